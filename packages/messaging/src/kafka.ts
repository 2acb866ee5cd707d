import './kafkajs-timer-warning.ts';
import { randomUUID } from 'node:crypto';
import type { TopicDefinition } from '@autoverify/contracts';
import {
  type Admin,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { Headers } from './headers.ts';
import type { Logger } from './logger.ts';

// kafkajs is unmaintained since 2023: this file is the only one that imports it, so the client can be
// swapped (e.g. for @platformatic/kafka) behind the KafkaClient interface.

/** How long the broker keeps a silent consumer in its group (a killed process's member lingers this long). */
export const CONSUMER_SESSION_TIMEOUT_MS = 12_000;

export interface OutgoingRecord {
  /** Broker topic name (already namespaced). */
  topic: string;
  key: string | null;
  value: Buffer | string | null;
  headers?: Headers;
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
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
}

export interface Subscription {
  /** Lets the in-flight message finish, commits processed offsets, leaves the group, disconnects. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  /** Broker topic name (already namespaced). */
  name: string;
  partitions: number;
  retentionMs: number;
  replicationFactor: number;
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
  /** Stops every subscription and disconnects the producer. */
  disconnect(): Promise<void>;
}

export interface KafkaOptions {
  brokers: string[] | string;
  clientId: string;
  namespace?: string;
  logger: Logger;
  ssl?: boolean;
  sasl?: SASLOptions;
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
    logCreator: () => (entry: LogEntry) => logKafkajs(logger, entry),
  };
  if (options.ssl) config.ssl = true;
  if (options.sasl) config.sasl = options.sasl;
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

  return {
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
            await opts.onMessage({
              topic,
              partition,
              offset: message.offset,
              key: message.key ? message.key.toString('utf8') : null,
              value: message.value,
              headers: normalizeHeaders(message.headers),
              timestamp: message.timestamp,
              heartbeat,
            });
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
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async createTopics(specs) {
      if (specs.length === 0) return [];
      return withAdmin(async (admin) => {
        const existing = new Set(await admin.listTopics());
        const missing = specs.filter((s) => !existing.has(s.name));
        if (missing.length === 0) return [];
        try {
          await admin.createTopics({
            // kafkajs gives up when the new topic's metadata has not reached the broker yet (KRaft
            // propagates it asynchronously): wait for the leaders below instead.
            waitForLeaders: false,
            topics: missing.map((s) => ({
              topic: s.name,
              numPartitions: s.partitions,
              replicationFactor: s.replicationFactor,
              configEntries: [{ name: 'retention.ms', value: String(s.retentionMs) }],
            })),
          });
        } catch (error) {
          // Another instance may have created some of them at the same moment: fine if all exist now.
          const now = new Set(await admin.listTopics());
          if (missing.some((s) => !now.has(s.name))) throw error;
        }
        await waitForLeaders(
          admin,
          missing.map((s) => s.name),
        );
        return missing.map((s) => s.name);
      });
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

    async readTopic(topic, opts = {}) {
      const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
      const ranges = readRanges(offsets, opts);
      if (ranges.size === 0) return [];
      const groupId = `${namespace}.read-${randomUUID()}`;
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
      const messages: StoredMessage[] = [];
      const timeoutMs = opts.timeoutMs ?? 20_000;
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`reading ${topic} timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
          const remaining = new Set(ranges.keys());
          consumer
            .run({
              eachMessage: async ({ partition, message }) => {
                const range = ranges.get(partition);
                const offset = BigInt(message.offset);
                if (!range || offset < range.start || offset >= range.end) return;
                messages.push({
                  topic,
                  partition,
                  offset: message.offset,
                  key: message.key ? message.key.toString('utf8') : null,
                  value: message.value,
                  headers: normalizeHeaders(message.headers),
                  timestamp: message.timestamp,
                });
                if (offset + 1n >= range.end) remaining.delete(partition);
                if (remaining.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .then(() => {
              for (const [partition, range] of ranges)
                consumer.seek({ topic, partition, offset: range.start.toString() });
            })
            .catch((error: unknown) => {
              clearTimeout(timer);
              reject(error);
            });
        });
      } finally {
        await consumer.disconnect().catch(() => {});
        await withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => {});
      }
      return messages.sort(
        (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
      );
    },

    async disconnect() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      const p = producer;
      producer = undefined;
      if (p) await (await p.catch(() => undefined))?.disconnect();
    },
  };
}

// Generous: on a loaded 2-core machine a single broker has taken seconds to elect leaders for dozens of topics.
const LEADER_WAIT_MS = 60_000;

async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  let last = '';
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) {
        // A leader in the metadata is not yet a leader that serves: in KRaft the broker applies the new
        // partition asynchronously and answers NOT_LEADER_OR_FOLLOWER meanwhile. ListOffsets is answered by
        // each partition's leader itself, so once it succeeds everywhere, producing and reading work.
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
      last = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      // UNKNOWN_TOPIC_OR_PARTITION / LEADER_NOT_AVAILABLE / NOT_LEADER_OR_FOLLOWER until the broker is ready.
      last = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(
        `created topics ${topics.join(', ')} have no serving leaders after ${LEADER_WAIT_MS} ms: ${last}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Which offsets of which partitions readTopic reads: [start, end), end = the high watermark or the cap. */
export function readRanges(
  offsets: readonly { partition: number; low: string; high: string }[],
  options: Pick<ReadTopicOptions, 'partition' | 'fromOffset' | 'maxMessages' | 'last'>,
): Map<number, { start: bigint; end: bigint }> {
  const ranges = new Map<number, { start: bigint; end: bigint }>();
  for (const { partition, low, high } of offsets) {
    if (options.partition !== undefined && partition !== options.partition) continue;
    const lowest = BigInt(low);
    let start = lowest;
    if (options.fromOffset !== undefined) start = BigInt(options.fromOffset);
    else if (options.last !== undefined) start = BigInt(high) - BigInt(options.last);
    if (start < lowest) start = lowest;
    let end = BigInt(high);
    if (options.maxMessages !== undefined && start + BigInt(options.maxMessages) < end)
      end = start + BigInt(options.maxMessages);
    if (end > start) ranges.set(partition, { start, end });
  }
  return ranges;
}

/** kafkajs headers may be Buffers, strings or arrays of them; ours are one string each (the last wins). */
export function normalizeHeaders(headers: IHeaders | undefined): Headers {
  const result: Headers = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    result[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return result;
}

function logKafkajs(logger: Logger, { level, log }: LogEntry): void {
  const { message, timestamp: _t, logger: _l, ...fields } = log;
  const line = { ...fields, kafkajs: true };
  if (level === logLevel.ERROR) logger.error(line, message);
  else if (level === logLevel.WARN) logger.warn(line, message);
  else if (level === logLevel.INFO) logger.info(line, message);
  else logger.debug(line, message);
}
