// The KafkaClient interface and the shapes it takes and returns: what services and tools program against,
// free of kafkajs types, so the client behind it can be swapped.
import type { EventKeyring } from '@autoverify/config';
import type { TopicDefinition } from '@autoverify/contracts';
import type { Headers } from './headers.ts';
import type { PartitionLag, TopicSpec } from './kafka-admin.ts';
import type { KafkaConnectionSecurity } from './kafka-connection.ts';
import type { Logger } from './logger.ts';

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

/** What a batch handler (ConsumeOptions.onBatch) is told about its partition's batch. */
export interface BatchControl {
  /** Marks this message, and every one before it in the partition, done: its offset may be committed. */
  resolve(offset: string): void;
  /** False once the consumer stops or the partition is taken away (rebalance): leave the rest for redelivery. */
  active(): boolean;
}

interface ConsumeSettings {
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
}

/** One message at a time (tools, tests), or a partition's fetched messages at once (the event consumer). */
export type ConsumeOptions = ConsumeSettings &
  (
    | {
        /** The offset is committed only after this resolves; a rejection leaves it for redelivery. */
        onMessage(message: IncomingMessage): Promise<void>;
        onBatch?: never;
      }
    | {
        /**
         * A partition's fetched messages, in order. Only offsets passed to control.resolve are committed
         * (after this resolves, or when it rejects); the others are delivered again.
         */
        onBatch(messages: IncomingMessage[], control: BatchControl): Promise<void>;
        onMessage?: never;
      }
  );

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
