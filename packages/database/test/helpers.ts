/** Shared set-up for this package's integration tests: temporary service folders and databases. */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createUniqueDatabase, type TemporaryDatabase } from '../src/ensure-database.ts';
import type { MigrationTarget } from '../src/migrate.ts';

export const PACKAGE_DIR = join(import.meta.dirname, '..');
export const FIXTURE_DIR = join(import.meta.dirname, 'fixtures', 'basic');
export const CLI = join(PACKAGE_DIR, 'src', 'cli.ts');
export const PRISMA_BIN = join(PACKAGE_DIR, 'node_modules', '.bin', 'prisma');

export const SERVER_URL = process.env.DATABASE_ADMIN_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

export function createDatabase(prefix: string): Promise<TemporaryDatabase> {
  return createUniqueDatabase(SERVER_URL, `dbpkg_${prefix}`);
}

/** A copy of the fixture service's prisma/ folder, so tests can edit schema and migrations freely. */
export async function copyFixture(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'autoverify-db-'));
  await cp(join(FIXTURE_DIR, 'prisma'), join(dir, 'prisma'), { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function targetOf(dir: string, databaseUrl: string): MigrationTarget {
  return {
    databaseUrl,
    schemaPath: join(dir, 'prisma', 'schema.prisma'),
    migrationsDir: join(dir, 'prisma', 'migrations'),
  };
}

export async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  const folder = join(dir, 'prisma', 'migrations', name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'migration.sql'), sql);
}

export async function editFile(path: string, edit: (text: string) => string): Promise<void> {
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  const rows = await query(SERVER_URL, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}

/** Runs a command to completion; returns exit code and output. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Generates the fixture's Prisma client (src/generated/prisma) with the offline config, as `pnpm generate` does. */
export function generateFixtureClient(): void {
  const result = run(PRISMA_BIN, ['generate'], { cwd: FIXTURE_DIR });
  if (result.code !== 0) throw new Error(`prisma generate failed:\n${result.stdout}\n${result.stderr}`);
}
