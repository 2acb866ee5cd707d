import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withDatabase } from '../src/connection-url.ts';
import { dropDatabase, ensureDatabase } from '../src/ensure-database.ts';
import {
  addMigration,
  CLI,
  copyFixture,
  databaseExists,
  editFile,
  FIXTURE_DIR,
  PACKAGE_DIR,
  PRISMA_BIN,
  run,
  SERVER_URL,
} from './helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A database name nobody has created yet; dropped after the test. */
function freshDatabaseUrl(): { url: string; name: string } {
  const name = `dbpkg_cli_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(SERVER_URL, name);
  cleanups.push(() => dropDatabase(url));
  return { url, name };
}

async function serviceDir(): Promise<string> {
  const fixture = await copyFixture();
  cleanups.push(fixture.remove);
  return fixture.dir;
}

function cli(cwd: string, args: string[], env: Record<string, string | undefined> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL;
  return run(process.execPath, [CLI, ...args], { cwd, env: { ...base, ...env } });
}

const noStackTrace = (output: string) => expect(output).not.toMatch(/\n\s+at /);

describe('migrate CLI: user errors', () => {
  it('exits 2 with a clear message when DATABASE_URL is missing or invalid', async () => {
    const dir = await serviceDir();
    const missing = cli(dir, ['deploy']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DATABASE_URL is not set');
    noStackTrace(missing.stderr);

    const invalid = cli(dir, ['status'], { DATABASE_URL: 'not a url' });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('DATABASE_URL is not a valid URL');

    const wrongScheme = cli(dir, ['status'], { DATABASE_URL: 'mysql://root@localhost/app' });
    expect(wrongScheme.code).toBe(2);
    expect(wrongScheme.stderr).toContain('must start with postgresql://');

    const noDatabase = cli(dir, ['status'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432' });
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toContain('names no database');
  });

  it('exits 2 with the usage for unknown commands, bad arguments and outside a service directory', async () => {
    const dir = await serviceDir();
    const env = { DATABASE_URL: withDatabase(SERVER_URL, 'unused') };
    for (const args of [
      [],
      ['migrate'],
      ['create'],
      ['deploy', 'extra'],
      ['status', '--force'],
      ['create', '---'],
      ['resolve', 'x'],
      ['resolve', '--applied'],
    ]) {
      const result = cli(dir, args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: /);
      noStackTrace(result.stderr);
    }
    const outside = cli(tmpdir(), ['deploy'], env);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('no Prisma schema at');
  });

  it('exits 1 with a clear message when the server cannot be reached', async () => {
    const dir = await serviceDir();
    const result = cli(dir, ['deploy'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/app' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: /);
    noStackTrace(result.stderr);
  });
});

describe('migrate CLI: commands', () => {
  it('deploy creates the database, applies migrations once; status and check agree', async () => {
    const dir = await serviceDir();
    const { url, name } = freshDatabaseUrl();

    const first = cli(dir, ['deploy'], { DATABASE_URL: url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied 3 migration(s)');
    expect(await databaseExists(name)).toBe(true);

    const second = cli(dir, ['deploy'], { DATABASE_URL: url });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('no pending migrations');

    expect(cli(dir, ['status'], { DATABASE_URL: url })).toMatchObject({ code: 0 });
    expect(cli(dir, ['check'], { DATABASE_URL: url })).toMatchObject({ code: 0 });
  });

  it('status exits 1 listing pending migrations; a failing migration makes deploy exit 1 without a stack', async () => {
    const dir = await serviceDir();
    const { url } = freshDatabaseUrl();
    await ensureDatabase(url);

    const pending = cli(dir, ['status'], { DATABASE_URL: url });
    expect(pending.code).toBe(1);
    expect(pending.stdout).toContain('pending (not applied yet):\n  20261124014805_init');

    await addMigration(dir, '20991231000000_broken', 'SELECT 1 / 0;\n');
    const failed = cli(dir, ['deploy'], { DATABASE_URL: url });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('20991231000000_broken');
    expect(failed.stderr).toContain('division by zero');
    noStackTrace(failed.stderr);

    expect(failed.stderr).toContain('resolve --rolled-back');

    const blocked = cli(dir, ['deploy'], { DATABASE_URL: url });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('P3009');

    // The documented way out: fix the migration, set the failed attempt aside, deploy again.
    await addMigration(dir, '20991231000000_broken', 'SELECT 1;\n');
    const resolved = cli(dir, ['resolve', '--rolled-back', '20991231000000_broken'], { DATABASE_URL: url });
    expect(resolved).toMatchObject({ code: 0, stdout: 'recorded 20991231000000_broken as rolled-back\n' });
    const redeployed = cli(dir, ['deploy'], { DATABASE_URL: url });
    expect(redeployed.code).toBe(0);
    expect(redeployed.stdout).toContain('20991231000000_broken');
    expect(cli(dir, ['status'], { DATABASE_URL: url })).toMatchObject({ code: 0 });
  });

  it('check exits 1 on drift; create writes the migration; then check passes', async () => {
    const dir = await serviceDir();
    const env = { DATABASE_URL: withDatabase(SERVER_URL, 'not_needed_for_check') };
    await editFile(join(dir, 'prisma', 'schema.prisma'), (s) =>
      s.replace(/( {2}size\s+Int\?\n)/, '$1  note String?\n'),
    );

    const drift = cli(dir, ['check'], env);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain('schema.prisma and prisma/migrations disagree');
    expect(drift.stderr).toContain('ADD COLUMN     "note" TEXT');

    const created = cli(dir, ['create', 'add note'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created .*_add_note\/migration\.sql/);
    expect((await readdir(join(dir, 'prisma', 'migrations'))).some((n) => n.endsWith('_add_note'))).toBe(
      true,
    );

    expect(cli(dir, ['check'], env)).toMatchObject({ code: 0 });
    expect(cli(dir, ['create', 'again'], env).stdout).toContain('no migration needed');
  });
});

describe('ensureDatabase', () => {
  it('creates a missing database once even when called concurrently; dropDatabase removes it', async () => {
    const { url, name } = freshDatabaseUrl();
    await Promise.all(Array.from({ length: 5 }, () => ensureDatabase(url)));
    expect(await databaseExists(name)).toBe(true);
    await ensureDatabase(url);
    await dropDatabase(url);
    expect(await databaseExists(name)).toBe(false);
    await dropDatabase(url);
  });
});

describe('offline prisma CLI with definePrismaConfig', () => {
  it('generates the client in a service-like directory and points `prisma migrate` at our CLI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autoverify-svc-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(join(FIXTURE_DIR, 'prisma'), join(dir, 'prisma'), { recursive: true });
    const config = join(PACKAGE_DIR, 'src', 'prisma-config.ts');
    await writeFile(
      join(dir, 'prisma.config.ts'),
      `import { definePrismaConfig } from '${config}';\nexport default definePrismaConfig();\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: withDatabase(SERVER_URL, 'unused') };
    delete env.PRISMA_SCHEMA_ENGINE_BINARY;

    const generated = run(PRISMA_BIN, ['generate'], { cwd: dir, env });
    expect(generated.code, generated.stderr).toBe(0);
    expect(await readdir(join(dir, 'src', 'generated', 'prisma'))).toContain('client.ts');

    const migrate = run(PRISMA_BIN, ['migrate', 'deploy'], { cwd: dir, env });
    expect(migrate.code).toBe(1);
    expect(migrate.stdout + migrate.stderr).toContain('pnpm migrate');
  });
});
