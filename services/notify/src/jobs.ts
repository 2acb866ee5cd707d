import { defineJob } from '@autoverify/service-kit';

export interface SendNotificationData {
  notificationId: string;
}

/**
 * Send workers in one process, each running a batch of up to SEND_BATCH jobs side by side (one statement
 * fetches a batch, one completes it): an application's invitations, queued together, are sent together.
 * More workers showed no gain on the 2-core bench machine (e2e/bench, issue 10), which is CPU-bound; two
 * keep one worker taking new jobs while the other waits on a slow provider call.
 */
export const SEND_CONCURRENCY = 2;
const SEND_BATCH = 5;

/**
 * Sends one notification through its provider (key = the notification id). Transient failures are retried
 * with exponential backoff from 5 s: 5 s, 10 s, ... some 21 minutes in all.
 */
export const sendNotification = defineJob<SendNotificationData>({
  name: 'send-notification',
  retry: { limit: 8, delaySeconds: 5, backoff: true },
  concurrency: SEND_CONCURRENCY,
  batchSize: SEND_BATCH,
});

/**
 * A notification is given up after this many provider calls, counted on its row across every job that ran
 * for it (a job enqueued again by hand after a crash has a fresh queue budget, the notification does not).
 */
export const SEND_MAX_ATTEMPTS = sendNotification.retry.limit + 1;
