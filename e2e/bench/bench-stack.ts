/**
 * A stack of the bench's own: a fresh namespace (topics, consumer groups, databases), ports from
 * `--port-base` (never those of `make dev`, the e2e tests or the drills), the processes' output in a log
 * file, and everything removed again afterwards.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serviceNames, type TenantsFile } from '@autoverify/contracts';
import { removeNamespace, type Stack, type StackProcess, startStack } from '@autoverify/stack';
import { databaseAdminUrl } from '@autoverify/testing';

/** The stack's service processes (ingest as its web and worker processes) and the support console. */
export const SERVICE_PROCESSES = [
  ...serviceNames,
  'ingest-worker',
  'support',
] as const satisfies StackProcess[];

const repoRoot = join(import.meta.dirname, '..', '..');

export interface BenchStack {
  stack: Stack;
  logFile: string;
  /** The process id of each named process of the stack; throws when one is not running. */
  pids<Name extends StackProcess>(names: readonly Name[]): Map<Name, number>;
  /** Stops the processes, drops the databases and deletes the topics; never throws. */
  close(): Promise<void>;
}

export async function startBenchStack(
  bench: string,
  portBase: number,
  log: (line: string) => void,
  /** Adjusts the example customers (default: unchanged). */
  tenants?: (file: TenantsFile) => TenantsFile,
): Promise<BenchStack> {
  const namespace = `bench_${bench.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`;
  const logDir = join(process.env.AUTOVERIFY_STATE_DIR ?? join(repoRoot, '.local'), namespace);
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'services.log');
  const output = createWriteStream(logFile, { flags: 'a' });
  const write = (line: string) => output.write(`${new Date().toISOString()} ${line}\n`);
  log(`starting a stack (namespace ${namespace}, ports ${portBase}+); output in ${logFile}`);
  const started = Date.now();
  let stack: Stack;
  try {
    // The example customers: production-like settings (reminders after 24 h, so none during a run).
    stack = await startStack({
      namespace,
      portBase,
      output: write,
      log: (m) => write(`stack        ${m}`),
      ...(tenants ? { tenants } : {}),
    });
  } catch (error) {
    output.end();
    await removeLeftovers(namespace).catch((e) => log(`removing what the failed start left: ${e.message}`));
    throw new Error(`the stack did not start (${(error as Error).message}); output in ${logFile}`, {
      cause: error,
    });
  }
  log(`stack ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return {
    stack,
    logFile,
    pids(names) {
      return new Map(
        names.map((name) => {
          const pid = stack.pid(name);
          if (pid === undefined) throw new Error(`the stack has no running process "${name}"`);
          return [name, pid] as const;
        }),
      );
    },
    async close() {
      // The namespace is this bench's alone: nothing will read its databases or topics again.
      await stack
        .stop({ removeData: true })
        .catch((error) => log(`stopping the stack: ${(error as Error).message}`));
      output.end();
    },
  };
}

/** startStack stops its processes when it fails to start; the namespace's databases and topics remain. */
export async function removeLeftovers(namespace: string): Promise<void> {
  await removeNamespace(namespace, {
    brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    adminUrl: databaseAdminUrl(),
  });
}
