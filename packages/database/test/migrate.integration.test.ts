import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkDrift,
  createMigration,
  DriftError,
  deployMigrations,
  MigrationError,
  migrationStatus,
} from '../src/migrate.ts';
import {
  addMigration,
  copyFixture,
  createDatabase,
  editFile,
  query,
  SERVER_URL,
  targetOf,
} from './helpers.ts';

const FIXTURE_MIGRATIONS = [
  '20261124014805_init',
  '20261124014816_add_updated_at',
  '20261124015000_touch_updated_at',
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(prefix: string) {
  const fixture = await copyFixture();
  cleanups.push(fixture.remove);
  const database = await createDatabase(prefix);
  cleanups.push(database.drop);
  return { dir: fixture.dir, url: database.url, target: targetOf(fixture.dir, database.url) };
}

async function shadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    SERVER_URL,
    "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
  );
  return rows.map((r) => r.datname);
}

describe('deployMigrations', () => {
  it('applies every migration once, with the checksums prisma migrate deploy records', async () => {
    const { dir, url, target } = await setup('deploy');

    expect(await deployMigrations(target)).toEqual({ applied: FIXTURE_MIGRATIONS });
    expect(await deployMigrations(target)).toEqual({ applied: [] });

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      url,
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(FIXTURE_MIGRATIONS);
    for (const row of rows) {
      const sql = await readFile(join(dir, 'prisma', 'migrations', row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
    }
    expect(await migrationStatus(target)).toMatchObject({
      upToDate: true,
      pending: [],
      hasMigrationsTable: true,
    });
  });

  it('applies a migration whose $$ function body contains semicolons', async () => {
    const { url, target } = await setup('dollar');
    await deployMigrations(target);

    const [inserted] = await query<{ updated_at: Date }>(
      url,
      "INSERT INTO widget (id, name, updated_at) VALUES (gen_random_uuid(), 'w', now() - interval '1 day') RETURNING updated_at",
    );
    const [updated] = await query<{ updated_at: Date }>(
      url,
      "UPDATE widget SET name = 'v' RETURNING updated_at",
    );
    expect(updated?.updated_at.getTime()).toBeGreaterThan(
      inserted?.updated_at.getTime() ?? Number.POSITIVE_INFINITY,
    );
  });

  it('applies nothing of a failing migration and blocks the next deploy until resolved', async () => {
    const { dir, url, target } = await setup('failing');
    await deployMigrations(target);
    await addMigration(
      dir,
      '20991231000000_broken',
      `CREATE TABLE "broken_part" ("id" INTEGER);
INSERT INTO "widget" ("id", "name") VALUES ('00000000-0000-0000-0000-000000000001', 'half-done');
SELECT 1 / 0;
`,
    );

    const first = await deployMigrations(target).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(MigrationError);
    expect((first as MigrationError).message).toContain('20991231000000_broken');
    expect((first as MigrationError).message).toContain('division by zero');

    // Atomic: neither the table nor the row of the failed script exists.
    expect(await query(url, "SELECT to_regclass('broken_part') AS t")).toEqual([{ t: null }]);
    expect(await query(url, 'SELECT id FROM widget')).toEqual([]);

    const second = await deployMigrations(target).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(MigrationError);
    expect((second as MigrationError).code).toBe('P3009');
    expect((second as MigrationError).message).toContain('20991231000000_broken');

    expect(await migrationStatus(target)).toMatchObject({
      upToDate: false,
      failed: ['20991231000000_broken'],
    });
  });
});

describe('migrationStatus', () => {
  it('lists pending migrations of a new database', async () => {
    const { target } = await setup('pending');
    expect(await migrationStatus(target)).toMatchObject({
      pending: FIXTURE_MIGRATIONS,
      hasMigrationsTable: false,
      upToDate: false,
    });
  });

  it('detects a migration edited after it was applied', async () => {
    const { dir, target } = await setup('edited');
    await deployMigrations(target);
    await editFile(
      join(dir, 'prisma', 'migrations', '20261124014805_init', 'migration.sql'),
      (sql) => `${sql}\n-- edited\n`,
    );

    expect(await migrationStatus(target)).toMatchObject({ edited: ['20261124014805_init'], upToDate: false });
  });
});

describe('checkDrift and createMigration', () => {
  it('passes when schema.prisma and the migrations agree, without any service database', async () => {
    const fixture = await copyFixture();
    cleanups.push(fixture.remove);
    // The database in the URL need not exist: only a shadow database on the same server is used.
    await expect(
      checkDrift(targetOf(fixture.dir, `${SERVER_URL.replace(/\/[^/]*$/, '')}/no_such_db`)),
    ).resolves.toBe(undefined);
  });

  it('fails on a schema change without a migration, and passes once createMigration wrote it', async () => {
    const { dir, target } = await setup('drift');
    const before = await shadowDatabases();
    await editFile(target.schemaPath, (schema) =>
      schema
        .replace('  size      Int?', '  size      Int?\n  colour    String?')
        .replace('  size Int?', '  size Int?\n  colour String?'),
    );

    const drift = await checkDrift(target).catch((e: unknown) => e);
    expect(drift).toBeInstanceOf(DriftError);
    expect((drift as DriftError).sql).toContain('ADD COLUMN     "colour" TEXT');

    const created = await createMigration({
      ...target,
      name: 'Add colour',
      now: new Date('2099-01-02T03:04:05Z'),
    });
    expect(created.name).toBe('20990102030405_add_colour');
    expect(await readFile(created.file as string, 'utf8')).toContain(
      'ALTER TABLE "widget" ADD COLUMN     "colour" TEXT',
    );
    expect((await readdir(join(dir, 'prisma', 'migrations'))).sort()).toEqual([
      ...FIXTURE_MIGRATIONS,
      '20990102030405_add_colour',
      'migration_lock.toml',
    ]);

    await expect(checkDrift(target)).resolves.toBe(undefined);
    expect(await createMigration({ ...target, name: 'nothing' })).toEqual({
      name: null,
      file: null,
      sql: null,
    });
    expect((await deployMigrations(target)).applied).toEqual([
      ...FIXTURE_MIGRATIONS,
      '20990102030405_add_colour',
    ]);

    // Every shadow database this test's commands created has been dropped again.
    expect((await shadowDatabases()).filter((name) => !before.includes(name))).toEqual([]);
  });

  it('writes a first migration and the lockfile into an empty migrations folder', async () => {
    const { dir, target } = await setup('first');
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, 'prisma', 'migrations'), { recursive: true });

    const created = await createMigration({ ...target, name: 'init' });
    expect(created.sql).toContain('CREATE TABLE "widget"');
    expect(await readFile(join(dir, 'prisma', 'migrations', 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );
    expect((await deployMigrations(target)).applied).toEqual([created.name]);
  });

  it('writes an empty migration on request', async () => {
    const { target } = await setup('empty');
    const created = await createMigration({ ...target, name: 'backfill', empty: true });
    expect(created.sql).toBe('-- This is an empty migration.\n');
  });
});
