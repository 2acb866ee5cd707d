import './kafkajs-request-queue.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, Kafka, type KafkaConfig, logLevel, Partitioners, type Producer } from 'kafkajs';
import { withEventEncryption } from './encrypted-kafka.ts';
import type { Headers } from './headers.ts';
import { consumerLag, createMissingTopics, type PartitionLag, type TopicSpec } from './kafka-admin.ts';
import { periodicCommits } from './kafka-commits.ts';
import { kafkajsSecurity } from './kafka-connection.ts';
import { logKafkajs, storedMessage } from './kafka-headers.ts';
import { readTopic } from './kafka-read.ts';
import type {
  BatchControl,
  IncomingMessage,
  KafkaClient,
  KafkaOptions,
  Subscription,
} from './kafka-types.ts';

// kafkajs is unmaintained since 2023: only the kafka*.ts files import it, so the client can be swapped
// (e.g. for @platformatic/kafka) behind the KafkaClient interface.

export type * from './kafka-types.ts';
export type { PartitionLag, TopicSpec };

/** How long the broker keeps a silent consumer in its group (a killed process's member lingers this long). */
export const CONSUMER_SESSION_TIMEOUT_MS = 12_000;
/** How long deleteTopics waits for deleted topics to leave the broker's metadata. */
const TOPIC_DELETION_WAIT_MS = 10_000;

export function parseBrokers(brokers: string[] | string): string[] {
  const list = (Array.isArray(brokers) ? brokers : brokers.split(',')).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('no Kafka brokers configured (KAFKA_BROKERS is empty)');
  for (const broker of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw new Error(`invalid Kafka broker address "${broker}": expected host:port`);
  }
  return list;
}

/** kafkajs's eachMessage on top of a batch: each message done (offset resolved, heartbeat) before the next. */
function oneByOne(onMessage: (message: IncomingMessage) => Promise<void>) {
  return async (messages: IncomingMessage[], control: BatchControl) => {
    for (const message of messages) {
      if (!control.active()) return;
      await onMessage(message);
      control.resolve(message.offset);
      await message.heartbeat();
    }
  };
}

export function createKafka(options: KafkaOptions): KafkaClient {
  const namespace = options.namespace ?? 'autoverify';
  if (!/^[a-zA-Z0-9._-]+$/.test(namespace))
    throw new Error(`invalid Kafka namespace "${namespace}": letters, digits, . _ - only`);
  const logger = options.logger.child({ component: 'kafka' });
  const config: KafkaConfig = {
    brokers: parseBrokers(options.brokers),
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => logKafkajs(logger, entry),
  };
  Object.assign(config, kafkajsSecurity(options));
  const kafka = new Kafka(config);

  let producer: Promise<Producer> | undefined;
  const subscriptions = new Set<Subscription>();

  const getProducer = (): Promise<Producer> => {
    if (!producer) {
      const created = kafka.producer({
        idempotent: true,
        // One request in flight per broker keeps the order of retried batches: per-key order is the point.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      producer = created.connect().then(
        () => created,
        (error: unknown) => {
          producer = undefined;
          throw error;
        },
      );
    }
    return producer;
  };

  const withAdmin = async <T>(fn: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  };

  const client: KafkaClient = {
    namespace,
    clientId: options.clientId,
    logger: options.logger,
    topicName: (topic) => `${namespace}.${topic.name}`,
    groupId: (service) => `${namespace}.${service}`,

    async publishRaw(records) {
      if (records.length === 0) return;
      const byTopic = new Map<
        string,
        { key: string | null; value: Buffer | string | null; headers: Headers }[]
      >();
      for (const record of records) {
        const messages = byTopic.get(record.topic) ?? [];
        byTopic.set(record.topic, messages);
        messages.push({ key: record.key, value: record.value, headers: record.headers ?? {} });
      }
      const pending = getProducer();
      const p = await pending;
      try {
        await p.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (error) {
        // After a refused batch (e.g. MESSAGE_TOO_LARGE) kafkajs's idempotent sequence numbers no longer
        // match the broker's, and every later send fails (OUT_OF_ORDER_SEQUENCE_NUMBER): start over with a
        // new producer (a new producer id) on the next call.
        if (producer === pending) producer = undefined;
        await p.disconnect().catch(() => {});
        throw error;
      }
    },

    async consume(opts) {
      const consumer = kafka.consumer({
        groupId: opts.groupId,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: opts.maxWaitMs ?? 1000,
        // A restarted service (kill -9, crash) joins only once the group gives up on its dead member: with
        // kafkajs's 30 s default that stalled recovery. 12 s still outlasts the longest retry wait (10 s),
        // after which the consumer heartbeats. kafkajs's 3 s heartbeat is a quarter of it: an idle consumer's
        // wake-ups are its fetch each maxWait and this, so a shorter one only costs CPU (issue 10).
        sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
        heartbeatInterval: 3_000,
      });
      const commits = periodicCommits(logger.child({ groupId: opts.groupId }));
      let failure: Error | undefined;
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        failure = payload.error;
        logger.error(
          { err: payload.error, groupId: opts.groupId },
          `consumer ${opts.groupId} stopped for good: ${payload.error.message}`,
        );
      });
      await consumer.connect();
      try {
        await consumer
          .subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true })
          .catch((error: Error) => {
            throw new Error(
              `cannot subscribe ${opts.groupId} to ${opts.topics.join(', ')}: ${error.message} (topics are created by ensureTopics)`,
              {
                cause: error,
              },
            );
          });
        const onBatch = opts.onBatch ?? oneByOne(opts.onMessage);
        await consumer.run({
          partitionsConsumedConcurrently: opts.concurrency ?? 1,
          autoCommit: false,
          // Offsets are resolved by the handler as it finishes messages, never for a whole batch unseen.
          eachBatchAutoResolve: false,
          eachBatch: async ({
            batch,
            resolveOffset,
            heartbeat,
            isRunning,
            isStale,
            uncommittedOffsets,
            commitOffsetsIfNecessary,
          }) => {
            const messages = batch.messages.map((message) => ({
              ...storedMessage(batch.topic, batch.partition, message),
              heartbeat,
            }));
            commits.track({ uncommittedOffsets, commitOffsetsIfNecessary });
            try {
              await onBatch(messages, { resolve: resolveOffset, active: () => isRunning() && !isStale() });
            } catch (error) {
              // kafkajs restarts the consumer from the committed offsets: what was resolved is done.
              await commits.flush();
              throw error;
            }
            await commits.afterBatch();
          },
        });
      } catch (error) {
        await consumer.disconnect().catch(() => {});
        throw error;
      }
      let stopping: Promise<void> | undefined;
      const subscription: Subscription = {
        stop() {
          stopping ??= (async () => {
            subscriptions.delete(subscription);
            await commits.stop();
            await consumer.stop();
            await consumer.disconnect();
          })();
          return stopping;
        },
        failure: () => failure,
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async createTopics(specs) {
      if (specs.length === 0) return [];
      return withAdmin((admin) => createMissingTopics(admin, specs));
    },

    listTopics: () => withAdmin((admin) => admin.listTopics()),

    deleteTopics: (names) =>
      withAdmin(async (admin) => {
        const existing = new Set(await admin.listTopics());
        const topics = names.filter((name) => existing.has(name));
        if (topics.length === 0) return;
        await admin.deleteTopics({ topics });
        // The broker answers once the controller has committed the deletion; the metadata listTopics reads
        // follows a moment later (a teardown's check saw a deleted topic still listed). Gone when this returns.
        for (let wait = 0; wait < TOPIC_DELETION_WAIT_MS; wait += 100) {
          const listed = new Set(await admin.listTopics());
          if (!topics.some((topic) => listed.has(topic))) return;
          await sleep(100);
        }
      }),

    deleteGroups: (prefix) =>
      withAdmin(async (admin) => {
        const ours = async () =>
          (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
        const groups = await ours();
        if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
        return ours();
      }),

    readTopic: (topic, opts) => readTopic(kafka, withAdmin, namespace, topic, opts),

    consumerLag: (groupId, topics) => withAdmin((admin) => consumerLag(admin, groupId, topics)),

    async disconnect() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      const p = producer;
      producer = undefined;
      if (p) await (await p.catch(() => undefined))?.disconnect();
    },
  };
  return options.keyring ? withEventEncryption(client, options.keyring) : client;
}
