import { join } from 'node:path';
import { allTopics } from '@autoverify/contracts';
import { createKafka, ensureTopics } from '@autoverify/messaging';
import { repoRoot, serviceDir } from './paths.ts';
import { runToCompletion } from './processes.ts';

const kafkaScript = join(repoRoot, 'infra', 'local-kafka', 'kafka.sh');
export const LOCAL_KAFKA_BROKERS = '127.0.0.1:19092';

/**
 * Uses KAFKA_BROKERS when set; otherwise starts the project's own broker (idempotent).
 * Returns whether this call started it, so the caller stops only what it started.
 */
export async function ensureKafka(env = process.env): Promise<{ brokers: string; startedHere: boolean }> {
  if (env.KAFKA_BROKERS) return { brokers: env.KAFKA_BROKERS, startedHere: false };
  const ours = () =>
    runToCompletion('bash', [kafkaScript, 'status'], repoRoot).then(
      () => true,
      () => false,
    );
  if (await ours()) return { brokers: LOCAL_KAFKA_BROKERS, startedHere: false };
  await runToCompletion('bash', [kafkaScript, 'start'], repoRoot);
  // `start` reuses a broker that another checkout left on the port; only stop the one we started.
  return { brokers: LOCAL_KAFKA_BROKERS, startedHere: await ours() };
}

export const stopLocalKafka = (): Promise<string> => runToCompletion('bash', [kafkaScript, 'stop'], repoRoot);

export async function createTopics(brokers: string, namespace: string): Promise<void> {
  const kafka = createKafka({
    brokers: brokers.split(','),
    clientId: 'stack',
    namespace,
    logger: silentLogger,
  });
  try {
    await ensureTopics(kafka, allTopics());
  } finally {
    await kafka.disconnect();
  }
}

const migrateCli = join(repoRoot, 'packages', 'database', 'src', 'cli.ts');

/** Generates the Prisma client of a service (offline; see packages/database). */
export const generateClient = (service: string, dir = serviceDir(service)): Promise<string> =>
  runToCompletion(join(dir, 'node_modules', '.bin', 'prisma'), ['generate'], dir);

/** Creates the service's database when missing and applies its migrations. */
export const migrateDatabase = (
  service: string,
  databaseUrl: string,
  dir = serviceDir(service),
): Promise<string> =>
  runToCompletion(process.execPath, [migrateCli, 'deploy'], dir, { DATABASE_URL: databaseUrl });

// ensureTopics logs through this; the stack prints its own progress lines.
const silentLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
} as never;
