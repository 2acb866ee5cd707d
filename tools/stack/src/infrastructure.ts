import { join, relative } from 'node:path';
import { allTopics } from '@autoverify/contracts';
import { createKafka, ensureTopics } from '@autoverify/messaging';
import { dockerAvailable, startKafkaContainer, startPostgresContainer } from './containers.ts';
import { repoRoot, serviceDir } from './paths.ts';
import { runToCompletion } from './processes.ts';
import { silentLogger } from './silent-logger.ts';

const kafkaScript = join(repoRoot, 'infra', 'local-kafka', 'kafka.sh');
export const LOCAL_KAFKA_BROKERS = '127.0.0.1:19092';

export interface Infrastructure {
  /** Kafka bootstrap servers, or a PostgreSQL admin URL (a database on the server to create others from). */
  address: string;
  /** Stops what this call started, and nothing that was already running. */
  release(): Promise<void>;
}

const nothingToRelease = async () => {};

/**
 * Kafka, in order of preference: KAFKA_BROKERS; a container where a Docker engine answers; otherwise the
 * project's own broker from Maven Central (started when not running, stopped by release()).
 */
export async function ensureKafka(env = process.env): Promise<Infrastructure> {
  if (env.KAFKA_BROKERS) return { address: env.KAFKA_BROKERS, release: nothingToRelease };
  if (await dockerAvailable()) {
    const container = await startKafkaContainer();
    return { address: container.address, release: container.stop };
  }
  const ours = () =>
    runToCompletion('bash', [kafkaScript, 'status'], repoRoot).then(
      () => true,
      () => false,
    );
  if (await ours()) return { address: LOCAL_KAFKA_BROKERS, release: nothingToRelease };
  await runToCompletion('bash', [kafkaScript, 'start'], repoRoot);
  // `start` reuses a broker that another checkout left on the port; only stop the one we started.
  const startedHere = await ours();
  return {
    address: LOCAL_KAFKA_BROKERS,
    release: startedHere
      ? async () => void (await runToCompletion('bash', [kafkaScript, 'stop'], repoRoot))
      : nothingToRelease,
  };
}

export const LOCAL_POSTGRES_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * PostgreSQL, in order of preference: DATABASE_ADMIN_URL; a container where a Docker engine answers;
 * otherwise the machine's server on 127.0.0.1:5432 (the project's machines run one).
 */
export async function ensurePostgres(env = process.env): Promise<Infrastructure> {
  if (env.DATABASE_ADMIN_URL) return { address: env.DATABASE_ADMIN_URL, release: nothingToRelease };
  if (await dockerAvailable()) {
    const container = await startPostgresContainer();
    return { address: container.address, release: container.stop };
  }
  return { address: LOCAL_POSTGRES_ADMIN_URL, release: nothingToRelease };
}

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

/** Compiles the apps and their workspace packages to dist/, as the image does (infra/image/build-app.ts). */
export const compileApps = (appDirs: string[]): Promise<string> =>
  runToCompletion(
    process.execPath,
    [
      join(repoRoot, 'infra', 'image', 'build-app.ts'),
      'compile',
      ...appDirs.map((dir) => relative(repoRoot, dir)),
    ],
    repoRoot,
  );

/** Creates the service's database when missing and applies its migrations. */
export const migrateDatabase = (
  service: string,
  databaseUrl: string,
  dir = serviceDir(service),
): Promise<string> =>
  runToCompletion(process.execPath, [migrateCli, 'deploy'], dir, { DATABASE_URL: databaseUrl });
