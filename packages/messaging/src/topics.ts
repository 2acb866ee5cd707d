import { allTopics, type TopicDefinition } from '@autoverify/contracts';
import type { KafkaClient } from './kafka.ts';

export interface EnsureTopicsOptions {
  /** 1 for a single local broker; 3 in a production cluster. */
  replicationFactor?: number;
  /** The topics' min.insync.replicas (2 with replication 3); unset = the broker's default. */
  minInsyncReplicas?: number;
}

/**
 * Creates the missing topics of the registry (namespaced) with their partitions and retention. The
 * brokers' auto-create is never relied on: it would use broker defaults (one partition, no retention).
 */
export async function ensureTopics(
  kafka: KafkaClient,
  topics: readonly Pick<TopicDefinition, 'name' | 'partitions' | 'retentionMs'>[] = allTopics(),
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const replicationFactor = options.replicationFactor ?? 1;
  const { minInsyncReplicas } = options;
  if (minInsyncReplicas !== undefined && (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor))
    throw new Error(
      `min.insync.replicas ${minInsyncReplicas} must be between 1 and the replication factor ${replicationFactor}`,
    );
  const created = await kafka.createTopics(
    topics.map((t) => ({
      name: kafka.topicName(t),
      partitions: t.partitions,
      retentionMs: t.retentionMs,
      replicationFactor,
      ...(minInsyncReplicas !== undefined ? { minInsyncReplicas } : {}),
    })),
  );
  if (created.length > 0) kafka.logger.info({ topics: created }, 'created Kafka topics');
  return created;
}
