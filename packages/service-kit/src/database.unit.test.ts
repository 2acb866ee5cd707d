import { describe, expect, it } from 'vitest';
import { databaseOf } from './database.ts';

describe('db.sql', () => {
  it('sends the template with numbered bind parameters and resolves to the rows', async () => {
    const sent: { text: string; values: unknown[] }[] = [];
    const pool = {
      query: async (text: string, values: unknown[]) => {
        sent.push({ text, values });
        return { rows: [{ id: '1' }] };
      },
    };
    const db = databaseOf('tx', { run: (fn) => fn('tx'), sql: () => ({ query: async () => [] }) }, pool);
    const rows = await db.sql<{ id: string }>`INSERT INTO t (a, b) VALUES (${'x'}, ${2}::int) RETURNING id`;
    expect(rows).toEqual([{ id: '1' }]);
    expect(sent).toEqual([
      { text: 'INSERT INTO t (a, b) VALUES ($1, $2::int) RETURNING id', values: ['x', 2] },
    ]);
  });
});
