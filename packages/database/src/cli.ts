/**
 * Migration CLI, run in a service directory (reads prisma/schema.prisma, prisma/migrations, DATABASE_URL):
 *   node ../../packages/database/src/cli.ts deploy|status|create <name> [--empty]|check
 *   node ../../packages/database/src/cli.ts resolve --rolled-back|--applied <migration>
 * Exit codes: 0 done, 1 the command's check failed or a migration failed, 2 usage or configuration error.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatabaseUrlError, parseDatabaseUrl } from './connection-url.ts';
import { ensureDatabase } from './ensure-database.ts';
import {
  checkDrift,
  createMigration,
  DriftError,
  deployMigrations,
  MigrationError,
  type MigrationTarget,
  migrationStatus,
  resolveMigration,
} from './migrate.ts';
import { InvalidMigrationNameError } from './migrations-dir.ts';

const USAGE = `usage (in a service directory): node ../../packages/database/src/cli.ts <command>
  deploy                 create the database if missing, then apply pending migrations
  status                 list pending, failed and edited migrations (exit 1 unless up to date)
  create <name> [--empty]  write prisma/migrations/<timestamp>_<name>/migration.sql for schema.prisma's changes
  check                  exit 1 when schema.prisma and prisma/migrations disagree (drift)
  resolve --rolled-back <migration>   set a failed migration aside so deploy runs it (fixed) again
  resolve --applied <migration>       record a failed migration as completed by hand
environment: DATABASE_URL=postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`;

export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
}

class UsageError extends Error {}

interface Command {
  name: 'deploy' | 'status' | 'create' | 'check' | 'resolve';
  migrationName?: string;
  empty: boolean;
  resolveAs?: 'rolled-back' | 'applied';
}

const ALLOWED_FLAGS: Record<string, string[]> = {
  create: ['--empty'],
  resolve: ['--rolled-back', '--applied'],
};

function parseArgs(args: string[]): Command {
  const [name, ...rest] = args;
  const flags = rest.filter((a) => a.startsWith('--'));
  const positional = rest.filter((a) => !a.startsWith('--'));
  const unknownFlags = flags.filter((f) => !(ALLOWED_FLAGS[name ?? '']?.includes(f) ?? false));
  if (unknownFlags.length > 0) throw new UsageError(`unknown option ${unknownFlags.join(', ')}`);
  switch (name) {
    case 'deploy':
    case 'status':
    case 'check':
      if (positional.length > 0) throw new UsageError(`${name} takes no arguments`);
      return { name, empty: false };
    case 'create':
      if (positional.length !== 1)
        throw new UsageError('create takes exactly one migration name, e.g. add_reminders');
      return { name, migrationName: positional[0], empty: flags.includes('--empty') };
    case 'resolve': {
      if (flags.length !== 1 || positional.length !== 1) {
        throw new UsageError('resolve takes --rolled-back or --applied, and one migration folder name');
      }
      const resolveAs = flags[0] === '--applied' ? 'applied' : 'rolled-back';
      return { name, migrationName: positional[0], empty: false, resolveAs };
    }
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

async function target(io: CliIo): Promise<MigrationTarget> {
  const databaseUrl = io.env.DATABASE_URL;
  parseDatabaseUrl(databaseUrl);
  const schemaPath = resolve(io.cwd, 'prisma', 'schema.prisma');
  try {
    await access(schemaPath);
  } catch {
    throw new UsageError(`no Prisma schema at ${schemaPath}: run this in a service directory`);
  }
  return {
    databaseUrl: databaseUrl as string,
    schemaPath,
    migrationsDir: join(io.cwd, 'prisma', 'migrations'),
  };
}

function list(label: string, names: string[]): string[] {
  return names.length === 0 ? [] : [`${label}:`, ...names.map((n) => `  ${n}`)];
}

async function run(command: Command, io: CliIo): Promise<number> {
  const t = await target(io);
  switch (command.name) {
    case 'deploy': {
      await ensureDatabase(t.databaseUrl);
      const { applied } = await deployMigrations(t);
      io.out(applied.length === 0 ? 'no pending migrations' : `applied ${applied.length} migration(s):`);
      for (const name of applied) io.out(`  ${name}`);
      return 0;
    }
    case 'status': {
      const status = await migrationStatus(t);
      if (status.upToDate) {
        io.out('database is up to date with prisma/migrations');
        return 0;
      }
      for (const line of [
        ...list('pending (not applied yet)', status.pending),
        ...list('failed (blocks deploy; fix the database, then mark it resolved)', status.failed),
        ...list('edited after being applied', status.edited),
        ...list('applied but missing from prisma/migrations', status.missingLocally),
      ]) {
        io.out(line);
      }
      return 1;
    }
    case 'create': {
      const created = await createMigration({
        ...t,
        name: command.migrationName as string,
        empty: command.empty,
      });
      if (created.file === null) {
        io.out(
          'schema.prisma and prisma/migrations agree: no migration needed (use --empty for a hand-written one)',
        );
      } else {
        io.out(`created ${created.file}`);
      }
      return 0;
    }
    case 'check': {
      await checkDrift(t);
      io.out('schema.prisma and prisma/migrations agree');
      return 0;
    }
    case 'resolve': {
      const migration = command.migrationName as string;
      const as = command.resolveAs ?? 'rolled-back';
      await resolveMigration({ ...t, migration, as });
      io.out(`recorded ${migration} as ${as}`);
      return 0;
    }
  }
}

/** After a failed migration: what to do next (our migrations fail atomically, so nothing to undo). */
function failedMigrationHint(error: MigrationError): string {
  const failed = error.code === 'P3009' || /^migration \S+ failed: /.test(error.message);
  if (!failed) return '';
  return (
    '\n\nThe failed migration changed nothing (each runs in one transaction). Fix its migration.sql, then run\n' +
    '  node ../../packages/database/src/cli.ts resolve --rolled-back <migration>\n' +
    'and deploy again.'
  );
}

function isConnectionError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', '28P01', '28000', '3D000'].includes(error.code)
  );
}

/** Runs one command; user errors become one clear message and an exit code, never a stack trace. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  try {
    return await run(parseArgs(args), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DatabaseUrlError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    if (error instanceof DriftError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    if (error instanceof MigrationError) {
      io.err(`error: ${error.message}${failedMigrationHint(error)}`);
      return 1;
    }
    if (isConnectionError(error)) {
      io.err(`error: cannot use the database of DATABASE_URL (${error.code}): ${error.message}`);
      return 1;
    }
    if (error instanceof InvalidMigrationNameError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  // exitCode, not exit(): output is flushed, and a pool left open would show up as a hang in tests.
  process.exitCode = code;
}
