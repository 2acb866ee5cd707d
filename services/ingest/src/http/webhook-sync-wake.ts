import type { Logger } from '@autoverify/logger';
import type { Statement } from '@autoverify/service-kit';
import { notifyWebhookSyncs } from '../store/webhooks.ts';

/**
 * At most one NOTIFY per this many ms from one process; one within it is sent at its end. A NOTIFY riding on
 * every webhook's INSERT (tried first) made each commit take PostgreSQL's one notify-queue lock, held through
 * its WAL flush: concurrent acks committed one after another instead of together (e2e/bench/README.md,
 * 2026-12-07). It also woke the worker's queuer for each webhook, whose transactions then took CPU from the
 * acks; woken once per window, it takes the window's webhooks in one batch.
 */
export const WEBHOOK_SYNC_WAKE_MS = 50;

/**
 * What the route calls after storing a webhook whose sync is pending: wakes the queuer in whichever process
 * runs it (handlers/webhook-syncs.ts LISTENs). The first webhook after a quiet window NOTIFYs at once, the
 * rest of a burst once at the window's end, on ctx.db.sql outside the webhook's statement, so the ack never
 * waits for it. A NOTIFY lost with the process (or failed) leaves the row to the queuer's safety poll.
 */
export function webhookSyncWaker(
  sql: Statement,
  logger: Logger,
  windowMs = WEBHOOK_SYNC_WAKE_MS,
): () => void {
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    timer = undefined;
    last = performance.now();
    notifyWebhookSyncs(sql).catch((error) =>
      logger.warn(
        { err: error },
        'waking the webhook sync queuer failed; its safety poll will find the webhook',
      ),
    );
  };
  return () => {
    if (timer) return;
    const wait = last + windowMs - performance.now();
    if (wait <= 0) send();
    // Unref'd: a process stopping within the window leaves the webhook to the safety poll.
    else timer = setTimeout(send, wait).unref();
  };
}
