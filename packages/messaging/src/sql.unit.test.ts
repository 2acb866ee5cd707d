import { EventEmitter } from 'node:events';
import { ReminderCancelled } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { isOwnNotify, pgTransactions, type Sql, type Transactions, wakeRelayAfterCommit } from './sql.ts';

type RecordingTx = { statements: string[] };

/** Records statements; a transaction is a fresh object per run, as with Prisma and pg. */
function recordingTransactions(): Transactions<RecordingTx> {
  const sqlOf = (tx?: RecordingTx): Sql => ({
    query: async <T>(text: string) => {
      tx?.statements.push(text);
      return [] as T[];
    },
  });
  return { run: (fn) => fn({ statements: [] }), sql: sqlOf };
}

const addReminderCancelled = (outbox: Outbox<RecordingTx>, tx: RecordingTx) => {
  const applicationId = '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10';
  return outbox.add(
    tx,
    ReminderCancelled,
    {
      applicationId,
      applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
      kind: 'income',
      reason: 'completed',
      cancelled: 1,
    },
    { tenantId: 'acme', correlationId: applicationId },
  );
};

describe('wakeRelayAfterCommit', () => {
  it('wakes the relay once when a transaction that added events ends, and only then', async () => {
    let wakes = 0;
    const transactions = wakeRelayAfterCommit(recordingTransactions(), { wake: () => wakes++ });
    const outbox = new Outbox(transactions);
    const insert = (tx: RecordingTx) => addReminderCancelled(outbox, tx);

    await transactions.run(async () => 'no events');
    expect(wakes).toBe(0);

    await transactions.run(async (tx) => {
      await insert(tx);
      await insert(tx);
    });
    expect(wakes).toBe(1);

    // A failed COMMIT may still have committed, and this process skips its own NOTIFY: woken all the same.
    await expect(
      transactions.run(async (tx) => {
        await insert(tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(wakes).toBe(2);

    await expect(
      transactions.run(async () => {
        throw new Error('failed without events');
      }),
    ).rejects.toThrow('failed without events');
    expect(wakes).toBe(2);
  });

  it("NOTIFYs with an origin of its own, which tells the relay's LISTEN to skip what it was woken for", async () => {
    const transactions = wakeRelayAfterCommit(recordingTransactions(), { wake: () => {} });
    const other = wakeRelayAfterCommit(recordingTransactions(), { wake: () => {} });
    const params: unknown[][] = [];
    const outbox = new Outbox<RecordingTx>({
      ...transactions,
      sql: () => ({
        query: async <T>(_text: string, values: unknown[] = []) => {
          params.push(values);
          return [] as T[];
        },
      }),
    });
    await transactions.run((tx) => addReminderCancelled(outbox, tx));
    const payload = params[0]?.at(-1) as string;
    expect(payload).toBe(transactions.notifyOrigin);
    expect(isOwnNotify(transactions, payload)).toBe(true);
    // Another process's (or another wrapper's) commit, a reconnect (no payload), an origin-less insert: woken.
    expect(isOwnNotify(transactions, other.notifyOrigin)).toBe(false);
    expect(isOwnNotify(transactions, undefined)).toBe(false);
    expect(isOwnNotify(transactions, '')).toBe(false);
    expect(isOwnNotify(recordingTransactions(), '')).toBe(false);
  });

  it("shares an origin when given one: a second runner's commits count as the first's own", () => {
    const transactions = wakeRelayAfterCommit(recordingTransactions(), { wake: () => {} });
    const second = wakeRelayAfterCommit(
      recordingTransactions(),
      { wake: () => {} },
      transactions.notifyOrigin,
    );
    expect(isOwnNotify(transactions, second.notifyOrigin)).toBe(true);
  });
});

describe('pgTransactions', () => {
  /** A pg pool client stand-in: an EventEmitter (as pg's Client is) whose connection can fail between statements. */
  function failingClient() {
    const client = Object.assign(new EventEmitter(), {
      failed: undefined as Error | undefined,
      released: [] as unknown[],
      async query(text: string) {
        if (client.failed) throw new Error(`not queryable: ${text}`);
        return { rows: [] };
      },
      release(destroy?: boolean | Error) {
        client.released.push(destroy);
      },
    });
    return client;
  }

  it("hears a checked-out connection's error between statements (no uncaught 'error'), fails the transaction and destroys the connection", async () => {
    const client = failingClient();
    const transactions = pgTransactions({ connect: async () => client, query: client.query });
    const lost = new Error('terminating connection due to administrator command');
    await expect(
      transactions.run(async (tx) => {
        await tx.query('UPDATE t SET a = 1');
        // What pg's Client does when the server ends the connection while no query is running.
        client.failed = lost;
        client.emit('error', lost);
        await tx.query('UPDATE t SET b = 2');
      }),
    ).rejects.toThrow('not queryable: UPDATE t SET b = 2');
    expect(client.released).toHaveLength(1);
    expect(client.released[0]).toBeInstanceOf(Error);
    expect(client.listenerCount('error')).toBe(0);
  });

  it('listens only while the connection is checked out', async () => {
    const client = failingClient();
    const transactions = pgTransactions({ connect: async () => client, query: client.query });
    await transactions.run(async () => {
      expect(client.listenerCount('error')).toBe(1);
    });
    expect(client.listenerCount('error')).toBe(0);
    expect(client.released).toEqual([undefined]);
  });
});
