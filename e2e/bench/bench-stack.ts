/**
 * A stack of the bench's own: a fresh namespace (topics, consumer groups, databases), ports from
 * `--port-base` (never those of `make dev`, the e2e tests or the drills), the processes' output in a log
 * file, and everything removed again afterwards.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serviceNames } from '@autoverify/contracts';
import { dropDatabase, withDatabase } from '@autoverify/database';
import { type Stack, startStack } from '@autoverify/stack';
import { databaseAdminUrl } from '@autoverify/testing';
import { deleteTopics } from '../src/global-setup.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

export interface BenchStack {
  stack: Stack;
  logFile: string;
  /** Stops the processes, drops the databases and deletes the topics; never throws. */
  close(): Promise<void>;
}

export async function startBenchStack(
  bench: string,
  portBase: number,
  log: (line: string) => void,
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
    // The example customers unchanged: production-like settings (reminders after 24 h, so none during a run).
    stack = await startStack({ namespace, portBase, output: write, log: (m) => write(`stack        ${m}`) });
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
    async close() {
      await stack.stop().catch((error) => log(`stopping the stack: ${(error as Error).message}`));
      output.end();
      // The namespace is this bench's alone: nothing will read its databases or topics again.
      await Promise.all(
        Object.values(stack.databaseUrls).map((url) => dropDatabase(url).catch(() => undefined)),
      );
      await deleteTopics(stack.brokers.split(','), namespace).catch(() => undefined);
    },
  };
}

/**
 * startStack stops its processes when it fails to start, but leaves the databases and topics it had created
 * and returns no handle to them. They are named after the namespace (stack.ts: `<namespace>_<service>`,
 * other characters as `_`), which is this bench run's alone.
 */
export async function removeLeftovers(namespace: string): Promise<void> {
  const server = databaseAdminUrl();
  for (const name of [...serviceNames, 'support'])
    await dropDatabase(
      withDatabase(server, `${namespace}_${name}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase()),
    );
  await deleteTopics((process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','), namespace);
}
