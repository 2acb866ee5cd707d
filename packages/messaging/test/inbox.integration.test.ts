import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@autoverify/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimInbox } from '../src/inbox.ts';
import { messagingTablesSql, pgTransactions } from '../src/index.ts';

describe('claimInbox', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const claim = (events: { id: string; type: string }[], consumer = 'invite') => {
    const transactions = pgTransactions(pool);
    return transactions.run((client) => claimInbox(transactions.sql(client), consumer, events));
  };

  beforeAll(async () => {
    database = await createTestDatabase('inbox');
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    await pool.query(messagingTablesSql);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('claims a fetch in one statement: new events once, repeats and earlier ones not', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await claim([{ id: a, type: 'InviteSent' }])).toEqual([true]);

    const fetched = [a, b, b.toUpperCase(), c].map((id) => ({ id, type: 'InviteSent' }));
    expect(await claim(fetched)).toEqual([false, true, false, true]);

    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM inbox WHERE consumer = 'invite'",
    );
    expect(rows[0]?.n).toBe(3);
  });

  it('claims per consumer: another consumer claims the same event for itself', async () => {
    const id = randomUUID();
    expect(await claim([{ id, type: 'InviteSent' }])).toEqual([true]);
    expect(await claim([{ id, type: 'InviteSent' }], 'notify')).toEqual([true]);
  });
});
