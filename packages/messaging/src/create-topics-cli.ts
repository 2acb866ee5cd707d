// Creates the topics of the contracts registry (partitions, retention, replication, min.insync.replicas)
// that do not exist yet, then exits: the docker-compose `create-topics` service and the dev overlay's Job
// run it from any service image (`node ../../packages/messaging/src/create-topics-cli.ts`). Production
// clusters get the same topics as Strimzi KafkaTopic resources generated from the registry instead.
// Existing topics are left as they are (partitions and configs are never changed here).
//
// Environment: KAFKA_BROKERS, KAFKA_NAMESPACE, the KAFKA_SSL* / KAFKA_SASL_* settings every service reads,
// KAFKA_TOPIC_REPLICATION_FACTOR (default 1), KAFKA_TOPIC_MIN_INSYNC_REPLICAS (default: the broker's).
// Exit codes: 0 done, 2 configuration problem, 1 Kafka failed.

import { ConfigError, kafkaConnectionFromEnv, kafkaEnv, loadEnv } from '@autoverify/config';
import { allTopics } from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import Type from 'typebox';
import { createKafka } from './kafka.ts';
import { ensureTopics } from './topics.ts';

const schema = Type.Object({
  ...kafkaEnv,
  KAFKA_TOPIC_REPLICATION_FACTOR: Type.Integer({ minimum: 1, maximum: 32, default: 1 }),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: Type.Optional(Type.Integer({ minimum: 1, maximum: 32 })),
});

const logger = createLogger({ service: 'create-topics', level: process.env.LOG_LEVEL ?? 'info' });

function configuration() {
  const env = loadEnv(schema);
  const replicationFactor = env.KAFKA_TOPIC_REPLICATION_FACTOR;
  const minInsyncReplicas = env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS;
  if (minInsyncReplicas !== undefined && minInsyncReplicas > replicationFactor)
    throw new ConfigError('Invalid environment configuration', [
      `KAFKA_TOPIC_MIN_INSYNC_REPLICAS: must be <= KAFKA_TOPIC_REPLICATION_FACTOR (${replicationFactor}) (got "${minInsyncReplicas}")`,
    ]);
  return { env, connection: kafkaConnectionFromEnv(env), replicationFactor, minInsyncReplicas };
}

let settings: ReturnType<typeof configuration>;
try {
  settings = configuration();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`create-topics: ${error.message}\n`);
  process.exit(2);
}

const { env, connection, replicationFactor, minInsyncReplicas } = settings;
const kafka = createKafka({
  brokers: env.KAFKA_BROKERS,
  clientId: 'create-topics',
  namespace: env.KAFKA_NAMESPACE,
  logger,
  ...connection,
});
try {
  const topics = allTopics();
  const created = await ensureTopics(kafka, topics, {
    replicationFactor,
    ...(minInsyncReplicas !== undefined ? { minInsyncReplicas } : {}),
  });
  logger.info(
    { namespace: env.KAFKA_NAMESPACE, created, existing: topics.length - created.length, replicationFactor },
    `create-topics: ${created.length} created, ${topics.length - created.length} already there`,
  );
} catch (error) {
  logger.error({ err: error }, `create-topics failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await kafka.disconnect();
}
