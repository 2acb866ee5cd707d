import './kafkajs-timer-warning.ts';
import type { EventKeyring } from '@autoverify/config';
import type { TopicDefinition } from '@autoverify/contracts';
import { type Admin, Kafka, type KafkaConfig, logLevel, Partitioners, type Producer } from 'kafkajs';
import { withEventEncryption } from './encrypted-kafka.ts';
import type { Headers } from './headers.ts';
import { consumerLag, createMissingTopics, type PartitionLag, type TopicSpec } from './kafka-admin.ts';
import { type KafkaConnectionSecurity, kafkajsSecurity } from './kafka-connection.ts';
import { logKafkajs, storedMessage } from './kafka-headers.ts';
import { readTopic } from './kafka-read.ts';
import type { Logger } from './logger.ts';

// kafkajs is unmaintained since 2023: only the kafka*.ts files import it, so the client can be swapped
// (e.g. for @platformatic/kafka) behind the KafkaClient interface.

export type { PartitionLag, TopicSpec };

/** How long the broker keeps a silent consumer in its group (a killed process's member lingers this long). */
export const CONSUMER_SESSION_TIMEOUT_MS = 12_000;

export interface OutgoingRecord {
  /** Broker topic name (already namespaced). */
  topic: string;
  key: string | null;
  value: Buffer | string | null;
  headers?: Headers;
  /** Publish the bytes as they are, never sealed (a refused message dead-lettered as it came). */
  unsealed?: boolean;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The bytes as received; kept as they are so a dead-lettered message can be redriven unchanged. */
  value: Buffer | null;
  headers: Headers;
  timestamp: string;
  /** With a keyring: the bytes and headers as received, before they were opened (see withEventEncryption). */
  sealed?: { value: Buffer | null; headers: Headers };
  /** With a keyring: why the message could not be opened (forged, unknown key, not sealed); value is untouched. */
  refused?: string;
  /** Tells the group coordinator this member is alive during long processing (retries). */
  heartbeat(): Promise<void>;
}

export interface ConsumeOptions {
  groupId: string;
  /** Broker topic names (already namespaced). */
  topics: string[];
  /** Where a group without committed offsets starts; default true so nothing published before is missed. */
  fromBeginning?: boolean;
  /** Partitions processed in parallel; messages of one partition are always processed in order. */
  concurrency?: number;
  /**
   * Longest a fetch waits for new messages; also bounds how long stop() waits for an idle fetch.
   * Default 1000 ms.
   */
  maxWaitMs?: number;
  /** The offset is committed only after this resolves; a rejection leaves it for redelivery. */
  onMessage(message: IncomingMessage): Promise<void>;
}

/** A message as stored in a topic (read by tools, not consumed by a group). */
export type StoredMessage = Omit<IncomingMessage, 'heartbeat'>;

export interface ReadTopicOptions {
  /** Only this partition (default: all). */
  partition?: number;
  /** First offset to read (per partition read); default the earliest retained one. */
  fromOffset?: string;
  /** At most this many messages per partition, counted from the start. */
  maxMessages?: number;
  /** Only the last n messages of each partition (ignored when fromOffset is given). */
  last?: number;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
}

export interface Subscription {
  /** Lets the in-flight message finish, commits processed offsets, leaves the group, disconnects. */
  stop(): Promise<void>;
  /**
   * Why the consumer stopped for good, if it did: the client crashed with an error it does not restart
   * after (it restarts after retriable ones, e.g. a broker outage). Such a consumer never reads again.
   */
  failure(): Error | undefined;
}

export interface KafkaClient {
  readonly namespace: string;
  readonly clientId: string;
  readonly logger: Logger;
  /** The broker name of a logical topic: `<namespace>.<name>`. */
  topicName(topic: Pick<TopicDefinition, 'name'>): string;
  /** Consumer group id of a service: `<namespace>.<service>`. */
  groupId(service: string): string;
  /**
   * Publishes records with the idempotent producer (acks=all), in order per partition. For the relay,
   * the dead-letter path and tools (replay, DLQ redrive) that publish existing bytes.
   */
  publishRaw(records: OutgoingRecord[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** Creates the topics that do not exist yet; returns the names it created. */
  createTopics(specs: TopicSpec[]): Promise<string[]>;
  listTopics(): Promise<string[]>;
  /** Deletes the named topics that exist (for tools that remove a whole namespace, e.g. a test run's). */
  deleteTopics(names: string[]): Promise<void>;
  /**
   * Deletes the consumer groups whose ids start with the prefix (a namespace's `<namespace>.`). A group with
   * a live member cannot be deleted: stop the consumers first. Returns the groups still left.
   */
  deleteGroups(prefix: string): Promise<string[]>;
  /**
   * The messages in a topic up to its high watermark at the time of the call, ordered by partition and
   * offset. Uses a throw-away consumer group (deleted afterwards) so no service's offsets move.
   */
  readTopic(topic: string, options?: ReadTopicOptions): Promise<StoredMessage[]>;
  /** Messages of each partition the group has not committed yet (high watermark - committed offset). */
  consumerLag(groupId: string, topics: string[]): Promise<PartitionLag[]>;
  /** Stops every subscription and disconnects the producer. */
  disconnect(): Promise<void>;
}

export interface KafkaOptions extends KafkaConnectionSecurity {
  /** Seal every event published and open every event read (EVENT_KEYRING_FILE via kafkaConnectionFromEnv). */
  keyring?: EventKeyring;
  brokers: string[] | string;
  clientId: string;
  namespace?: string;
  logger: Logger;
  connectionTimeoutMs?: number;
}

export function parseBrokers(brokers: string[] | string): string[] {
  const list = (Array.isArray(brokers) ? brokers : brokers.split(',')).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('no Kafka brokers configured (KAFKA_BROKERS is empty)');
  for (const broker of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw new Error(`invalid Kafka broker address "${broker}": expected host:port`);
  }
  return list;
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
        // after which the consumer heartbeats.
        sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
        heartbeatInterval: 1_000,
      });
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
        await consumer.run({
          partitionsConsumedConcurrently: opts.concurrency ?? 1,
          eachMessage: async ({ topic, partition, message, heartbeat }) => {
            await opts.onMessage({ ...storedMessage(topic, partition, message), heartbeat });
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
        if (topics.length > 0) await admin.deleteTopics({ topics });
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
