import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  /** Broker topic name (already namespaced). */
  name: string;
  partitions: number;
  retentionMs: number;
  replicationFactor: number;
  /**
   * Replicas that must have a write before acks=all succeeds. Unset: the broker's default. With
   * replication 3, 2 keeps producing through one broker's loss without ever acknowledging a write that
   * lives on a single disk.
   */
  minInsyncReplicas?: number;
}

/**
 * Creates the topics that do not exist yet and returns their names once every partition of each has a
 * leader that serves it (see waitForServingLeaders). Tolerates another instance creating them meanwhile.
 */
export async function createMissingTopics(admin: Admin, specs: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({
      // kafkajs gives up when the new topic's metadata has not reached the broker yet (KRaft propagates
      // it asynchronously): waitForServingLeaders waits for more than kafkajs would anyway.
      waitForLeaders: false,
      topics: missing.map(topicConfig),
    });
  } catch (error) {
    // Another instance may have created some of them at the same moment: fine if all exist now.
    const now = new Set(await admin.listTopics());
    if (missing.some((s) => !now.has(s.name))) throw error;
  }
  await waitForServingLeaders(
    admin,
    missing.map((s) => s.name),
  );
  return missing.map((s) => s.name);
}

function topicConfig(spec: TopicSpec): ITopicConfig {
  const configEntries = [{ name: 'retention.ms', value: String(spec.retentionMs) }];
  if (spec.minInsyncReplicas !== undefined)
    configEntries.push({ name: 'min.insync.replicas', value: String(spec.minInsyncReplicas) });
  return {
    topic: spec.name,
    numPartitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    configEntries,
  };
}

// A new topic's leaders are elected within a second or two on a healthy cluster; 60 s leaves room for a
// loaded CI machine and a cluster that is still starting, and still fails a deployment step visibly.
const LEADER_WAIT_MS = 60_000;
const POLL_MS = 200;

/**
 * Waits until every partition of the topics has a leader in the metadata AND that leader answers a
 * ListOffsets request for it. The metadata alone is not enough: in KRaft a broker publishes the new
 * leadership in its metadata cache before its replica manager has taken the partition over, and a
 * produce sent in that gap fails with "This server is not the leader for that topic-partition"
 * (NOT_LEADER_OR_FOLLOWER). ListOffsets goes to the leader and fails the same way until it serves.
 */
export async function waitForServingLeaders(
  admin: Admin,
  topics: string[],
  timeoutMs = LEADER_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) {
        // One ListOffsets per topic, sent by kafkajs to each partition's leader.
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
      last = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      // UNKNOWN_TOPIC_OR_PARTITION / LEADER_NOT_AVAILABLE / NOT_LEADER_OR_FOLLOWER while it settles.
      last = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(
        `created topics ${topics.join(', ')} have no serving leaders after ${timeoutMs} ms: ${last}`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/** Messages of each partition the group has not committed yet (high watermark - committed offset). */
export async function consumerLag(admin: Admin, groupId: string, topics: string[]): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
    for (const { partition, offset } of partitions) {
      const end = ends.get(partition);
      if (!end) continue;
      // -1: nothing committed yet; the group then starts at the earliest retained message.
      const from = Number(offset) < 0 ? Number(end.low) : Number(offset);
      lags.push({ topic, partition, lag: Math.max(0, Number(end.high) - from) });
    }
  }
  return lags;
}
