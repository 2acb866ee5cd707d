import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, migrateTestDatabase } from '../src/database.ts';

const FIXTURE_SERVICE = join(import.meta.dirname, '..', '..', 'database', 'test', 'fixtures', 'basic');

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    return rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}

describe('test databases', { timeout: 60_000 }, () => {
  it('createTestDatabase gives each caller its own empty database, dropped by drop()', async () => {
    const [a, b] = await Promise.all([createTestDatabase('Same Prefix'), createTestDatabase('Same Prefix')]);
    try {
      expect(a?.url).not.toBe(b?.url);
      expect(a?.url).toMatch(/\/test_same_prefix_[a-z0-9]+_[0-9a-f]{8}$/);
      expect(await tables(a?.url as string)).toEqual([]);
    } finally {
      await a?.drop();
      await b?.drop();
    }
    await expect(tables(a?.url as string)).rejects.toThrow(/does not exist/);
  });

  it("migrateTestDatabase applies a service folder's migrations", async () => {
    const database = await migrateTestDatabase(FIXTURE_SERVICE);
    try {
      expect(await tables(database.url)).toEqual(['_prisma_migrations', 'widget']);
    } finally {
      await database.drop();
    }
  });
});
