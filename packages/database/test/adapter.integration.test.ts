import { join } from 'node:path';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaAdapter } from '../src/adapter.ts';
import type { TemporaryDatabase } from '../src/ensure-database.ts';
import { deployMigrations } from '../src/migrate.ts';
import {
  createDatabase,
  databaseExists,
  FIXTURE_DIR,
  generateFixtureClient,
  query,
  run,
  targetOf,
} from './helpers.ts';

let database: TemporaryDatabase;
beforeAll(async () => {
  database = await createDatabase('adapter');
});
afterAll(async () => {
  await database?.drop();
});

const sql = (text: string) => ({ sql: text, args: [], argTypes: [] });

describe('createPrismaAdapter', () => {
  it('reads "char" columns (OID 18) as text, in and outside transactions', async () => {
    const factory = createPrismaAdapter(database.url);
    try {
      const adapter = await factory.connect();
      const result = await adapter.queryRaw(sql("SELECT relkind FROM pg_class WHERE relname = 'pg_class'"));
      expect(result.columnTypes).toEqual([ColumnTypeEnum.Text]);
      expect(result.rows).toEqual([['r']]);

      const tx = await adapter.startTransaction();
      const inTx = await tx.queryRaw(sql('SELECT \'x\'::"char" AS c'));
      await tx.commit();
      expect(inTx.rows).toEqual([['x']]);
    } finally {
      await factory.close();
    }
  });

  it('runs a script as one atomic query: $$ bodies and quoted semicolons survive, a failure leaves nothing', async () => {
    const factory = createPrismaAdapter(database.url);
    try {
      const adapter = await factory.connect();
      await adapter.executeScript(`
        CREATE TABLE script_ok (note TEXT);
        INSERT INTO script_ok VALUES ('a;b');
        CREATE FUNCTION script_fn() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN RETURN 'x;y'; END; $$;`);
      expect(await query(database.url, 'SELECT note, script_fn() AS fn FROM script_ok')).toEqual([
        { note: 'a;b', fn: 'x;y' },
      ]);

      await expect(
        adapter.executeScript(
          `CREATE TABLE script_partial (id INT); INSERT INTO script_ok VALUES ('c'); SELECT 1/0;`,
        ),
      ).rejects.toThrow();
      expect(await query(database.url, "SELECT to_regclass('script_partial') AS t")).toEqual([{ t: null }]);
      expect(await query(database.url, 'SELECT count(*)::int AS n FROM script_ok')).toEqual([{ n: 1 }]);
    } finally {
      await factory.close();
    }
  });

  it('gives the shadow database a real temporary database, dropped when its adapter is disposed', async () => {
    const factory = createPrismaAdapter(database.url);
    try {
      const first = await factory.connectToShadowDb();
      const [name] = factory.shadowDatabases;
      expect(name).toMatch(/^prisma_migrate_shadow_db_[0-9a-f]{32}$/);
      const current = await first.queryRaw(sql('SELECT current_database()'));
      expect(current.rows).toEqual([[name]]);
      expect(await databaseExists(name as string)).toBe(true);

      await first.dispose();
      await first.dispose(); // a second dispose is harmless
      expect(await databaseExists(name as string)).toBe(false);

      // close() disposes what is still open, shadow databases included.
      await factory.connectToShadowDb();
      await factory.connect();
      const second = factory.shadowDatabases[1] as string;
      expect(await databaseExists(second)).toBe(true);
      await factory.close();
      expect(await databaseExists(second)).toBe(false);
    } finally {
      await factory.close();
    }
  });
});

describe('generated Prisma client (prisma-client generator) under plain node', () => {
  let service: TemporaryDatabase;
  beforeAll(async () => {
    generateFixtureClient();
    service = await createDatabase('client');
    await deployMigrations(targetOf(FIXTURE_DIR, service.url));
  });
  afterAll(async () => {
    await service?.drop();
  });

  it('loads without a build step and writes and reads through createPrismaAdapter, then exits', () => {
    const result = run(process.execPath, [join(FIXTURE_DIR, 'src', 'smoke.ts')], {
      cwd: FIXTURE_DIR,
      env: { ...process.env, DATABASE_URL: service.url },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.found).toMatchObject({ id: output.id, name: 'smoke', status: 'DONE', size: 3 });
    expect(output.kinds).toEqual([{ relkind: 'r' }]);
  });
});
