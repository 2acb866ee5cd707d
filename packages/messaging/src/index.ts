export {
  type BatchHandling,
  type BatchItem,
  type ConsumerOptions,
  type Handler,
  type HandlerContext,
  handle,
  handleBatched,
  type ProjectedEvent,
  type Projection,
  type RunningConsumer,
  startConsumer,
} from './consumer.ts';
export { asReceived, withEventEncryption } from './encrypted-kafka.ts';
export { formatProblems, InvalidEventError, PermanentError } from './errors.ts';
export { ENCRYPTION_HEADER, EventSealError, openEvent, sealEvent } from './event-crypto.ts';
export {
  type BuildOptions,
  buildEvent,
  causedBy,
  type EventMeta,
  eventKeyOf,
  validateEvent,
} from './events.ts';
export {
  type DeadLetterInfo,
  deadLetterHeaders,
  eventHeaders,
  type Headers,
  headerNames,
  stripDeadLetterHeaders,
  type TraceCarrier,
} from './headers.ts';
export { processedEventIds } from './inbox.ts';
export {
  CONSUMER_SESSION_TIMEOUT_MS,
  type ConsumeOptions,
  createKafka,
  type IncomingMessage,
  type KafkaClient,
  type KafkaOptions,
  type OutgoingRecord,
  type PartitionLag,
  parseBrokers,
  type ReadTopicOptions,
  type StoredMessage,
  type Subscription,
  type TopicSpec,
} from './kafka.ts';
export { waitForServingLeaders } from './kafka-admin.ts';
export type { KafkaConnectionSecurity, KafkaSasl, KafkaSaslMechanism, KafkaTls } from './kafka-connection.ts';
export { readRanges } from './kafka-read.ts';
export type { Logger } from './logger.ts';
export { type ConsumerMetrics, consumerMetrics, observeConsumerLag, observeOutbox } from './metrics.ts';
export { addEventsIfChanged, OUTBOX_NOTIFY_CHANNEL, Outbox, type SqlText } from './outbox.ts';
export { eraseFromOutbox } from './outbox-erasure.ts';
export {
  discardFailedOutbox,
  type FailedOutboxRow,
  listFailedOutbox,
  MAX_PUBLISH_ATTEMPTS,
  requeueFailedOutbox,
} from './outbox-failed.ts';
export { publishEvent } from './publish.ts';
export { type OutboxRelay, type OutboxRelayOptions, startOutboxRelay } from './relay.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
export {
  isOwnNotify,
  type PgClientLike,
  type PgPoolLike,
  type PrismaLike,
  type PrismaTransactionOptions,
  type PrismaTx,
  pgTransactions,
  prismaTransactions,
  type Sql,
  type Transactions,
  wakeRelayAfterCommit,
} from './sql.ts';
export { messagingTablesSql } from './tables.ts';
export { type EnsureTopicsOptions, ensureTopics } from './topics.ts';
