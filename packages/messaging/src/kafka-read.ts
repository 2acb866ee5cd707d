import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { ReadTopicOptions, StoredMessage } from './kafka.ts';
import { storedMessage } from './kafka-headers.ts';

/**
 * The messages in a topic up to its high watermark at the time of the call, ordered by partition and
 * offset. Uses a throw-away consumer group (deleted afterwards) so no service's offsets move.
 */
export async function readTopic(
  kafka: Kafka,
  withAdmin: <T>(fn: (admin: Admin) => Promise<T>) => Promise<T>,
  namespace: string,
  topic: string,
  opts: ReadTopicOptions = {},
): Promise<StoredMessage[]> {
  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  const ranges = readRanges(offsets, opts);
  if (ranges.size === 0) return [];
  const groupId = `${namespace}.read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
  const messages: StoredMessage[] = [];
  // Generous: a throw-away group joins in well under a second, but on a loaded machine or a broker that has
  // just started the coordinator can take many seconds to be ready.
  const timeoutMs = opts.timeoutMs ?? 60_000;
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
            messages.push(storedMessage(topic, partition, message));
            if (offset + 1n >= range.end) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .then(() => {
          // Only a shortcut past what precedes the range: eachMessage filters by range anyway. On a fresh
          // broker the group coordinator may still be loading and kafkajs restarts the consumer, and a seek
          // in that window throws "Consumer group was not initialized": then read from the start instead.
          for (const [partition, range] of ranges) {
            try {
              consumer.seek({ topic, partition, offset: range.start.toString() });
            } catch {
              // the range filter keeps the result right
            }
          }
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
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
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
