import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from './logger.ts';

/**
 * Offsets are committed at most this often, not after every batch as kafkajs's autoCommit does: at a trickle
 * each event came in a batch of its own, so every event cost the consumer and the broker an OffsetCommit (a
 * write to __consumer_offsets) besides its fetch. What a crash or a rebalance leaves uncommitted (at most
 * this long's worth) is delivered again and the inbox skips it, as after any crash before a commit.
 */
const COMMIT_INTERVAL_MS = 1000;

/** What a kafkajs batch offers to commit with; both act on the group's current offsets, not the batch's. */
type BatchCommits = Pick<EachBatchPayload, 'uncommittedOffsets' | 'commitOffsetsIfNecessary'>;

/** The resolved offsets of a consumer run with autoCommit off, committed on a timer and before it stops. */
export function periodicCommits(logger: Logger, intervalMs = COMMIT_INTERVAL_MS) {
  // The latest batch's functions: kafkajs's own consumer.commitOffsets() does nothing once stop() began, and
  // the batch kafkajs waits for before it leaves the group must still commit.
  let latest: BatchCommits | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;

  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (!latest) return;
    const offsets = latest.uncommittedOffsets();
    if (offsets.topics.length === 0) return;
    // A refused commit (rebalance, broker away) only means these messages come again, to the inbox.
    await latest
      .commitOffsetsIfNecessary(offsets)
      .catch((error: Error) => logger.warn({ err: error }, `offset commit failed: ${error.message}`));
  };

  return {
    track(batch: BatchCommits) {
      latest = batch;
    },
    flush,
    /** After a batch: commit now when stopping (kafkajs leaves the group right after), else within the interval. */
    async afterBatch() {
      if (stopping) return flush();
      timer ??= setTimeout(() => void flush(), intervalMs);
    },
    /** Before the consumer stops: commit what is resolved, and every batch still running commits at its end. */
    async stop() {
      stopping = true;
      await flush();
    },
  };
}
