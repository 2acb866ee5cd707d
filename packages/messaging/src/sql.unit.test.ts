import { ReminderCancelled } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { type Sql, type Transactions, wakeRelayAfterCommit } from './sql.ts';

/** Records statements; a transaction is a fresh object per run, as with Prisma and pg. */
function recordingTransactions(): Transactions<{ statements: string[] }> {
  const sqlOf = (tx?: { statements: string[] }): Sql => ({
    query: async <T>(text: string) => {
      tx?.statements.push(text);
      return [] as T[];
    },
  });
  return { run: (fn) => fn({ statements: [] }), sql: sqlOf };
}

describe('wakeRelayAfterCommit', () => {
  it('wakes the relay once after a commit whose transaction added events, and only then', async () => {
    let wakes = 0;
    const transactions = wakeRelayAfterCommit(recordingTransactions(), { wake: () => wakes++ });
    const outbox = new Outbox(transactions);
    const applicationId = '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10';
    const insert = (tx: { statements: string[] }) =>
      outbox.add(
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

    await transactions.run(async () => 'no events');
    expect(wakes).toBe(0);

    await transactions.run(async (tx) => {
      await insert(tx);
      await insert(tx);
    });
    expect(wakes).toBe(1);

    await expect(
      transactions.run(async (tx) => {
        await insert(tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(wakes).toBe(1);
  });
});
