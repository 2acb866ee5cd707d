import { InviteSent } from '@autoverify/contracts';
import { Outbox, wakeRelayAfterCommit } from '@autoverify/messaging';
import { describe, expect, it } from 'vitest';
import { databaseOf, sqlTransactionsOn } from './database.ts';

/** A pg pool stand-in that records what is sent, on the pool and on its one connection. */
function recordingPool() {
  const { pool, sent, released } = recordingConnections();
  const relay = { wakes: 0, wake: () => relay.wakes++ };
  const sqlTransactions = sqlTransactionsOn(pool, (other) => wakeRelayAfterCommit(other, relay));
  const db = databaseOf(
    'tx',
    { run: (fn) => fn('tx'), sql: () => ({ query: async () => [] }) },
    sqlTransactions,
    pool,
  );
  return { db, sqlTransactions, sent, released, relay };
}

function recordingConnections() {
  const sent: { on: 'pool' | 'connection'; text: string; values: unknown[] | undefined }[] = [];
  const released: unknown[] = [];
  const answer = async (on: 'pool' | 'connection', text: string, values?: unknown[]) => {
    sent.push({ on, text, values });
    return { rows: [{ id: '1' }] };
  };
  const pool = {
    query: (text: string, values?: unknown[]) => answer('pool', text, values),
    connect: async () => ({
      query: (text: string, values?: unknown[]) => answer('connection', text, values),
      release: (broken?: unknown) => {
        released.push(broken);
      },
    }),
  };
  return { pool, sent, released };
}

describe('db.sql', () => {
  it('sends the template with numbered bind parameters and resolves to the rows', async () => {
    const { db, sent } = recordingPool();
    const rows = await db.sql<{ id: string }>`INSERT INTO t (a, b) VALUES (${'x'}, ${2}::int) RETURNING id`;
    expect(rows).toEqual([{ id: '1' }]);
    expect(sent).toEqual([
      { on: 'pool', text: 'INSERT INTO t (a, b) VALUES ($1, $2::int) RETURNING id', values: ['x', 2] },
    ]);
  });
});

describe('db.transaction', () => {
  const meta = { tenantId: 'acme', correlationId: InviteSent.example.applicationId };

  it('runs its statements and outbox inserts on one connection between BEGIN and COMMIT, then wakes the relay', async () => {
    const { db, sent, released, relay } = recordingPool();
    const result = await db.transaction(async (tx) => {
      await tx.sql`UPDATE t SET a = ${'x'}`;
      await tx.outbox.add(InviteSent, InviteSent.example, meta);
      return 'done';
    });
    expect(result).toBe('done');
    expect(sent.map((s) => [s.on, s.text.trim().split(/\s+/)[0]])).toEqual([
      ['connection', 'BEGIN'],
      ['connection', 'UPDATE'],
      ['connection', 'WITH'],
      ['connection', 'COMMIT'],
    ]);
    expect(released).toEqual([undefined]);
    expect(relay.wakes).toBe(1);
    await db.transaction((tx) => tx.sql`UPDATE t SET a = ${'y'}`);
    expect(relay.wakes).toBe(1);
  });

  it('rolls back when fn throws', async () => {
    const { db, sent } = recordingPool();
    await expect(
      db.transaction(async (tx) => {
        await tx.sql`UPDATE t SET a = ${'x'}`;
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(sent.map((s) => s.text.split(' ')[0])).toEqual(['BEGIN', 'UPDATE', 'ROLLBACK']);
  });
});

describe('sqlTransactionsOn: a consumer on plain pg', () => {
  const meta = { tenantId: 'acme', correlationId: InviteSent.example.applicationId };

  it("runs the inbox claim (sql(tx)), the handler's statements and the consumer's Outbox on one connection, and wakes the relay after the commit", async () => {
    const { sqlTransactions, sent, relay } = recordingPool();
    const outbox = new Outbox(sqlTransactions);
    await sqlTransactions.run(async (tx) => {
      await sqlTransactions.sql(tx).query('INSERT INTO inbox VALUES ($1)', ['e1']);
      await tx.sql`UPDATE t SET a = ${'x'}`;
      await outbox.add(tx, InviteSent, InviteSent.example, meta);
      expect(relay.wakes).toBe(0);
    });
    expect(sent.map((s) => [s.on, s.text.trim().split(/\s+/)[0]])).toEqual([
      ['connection', 'BEGIN'],
      ['connection', 'INSERT'],
      ['connection', 'UPDATE'],
      ['connection', 'WITH'],
      ['connection', 'COMMIT'],
    ]);
    expect(relay.wakes).toBe(1);
    await sqlTransactions.sql().query('SELECT 1');
    expect(sent.at(-1)?.on).toBe('pool');
  });
});
