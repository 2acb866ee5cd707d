import { defineJob } from '@autoverify/service-kit';

export interface SendNotificationData {
  notificationId: string;
}

/**
 * Send jobs run at once in one process, each on one of service-kit's 10 plain-pg connections at a time
 * (service.ts). 16 showed no clear gain on the 2-core bench machine (e2e/bench, issue 10): the stack is
 * CPU-bound there, and every new job's NOTIFY wakes every idle pg-boss worker, each of which then runs a
 * fetch. 8 made the invite path slower (e2e/bench README, 2026-12-06 h-latency): notify's consumer, which
 * makes the jobs, fell behind.
 */
export const SEND_CONCURRENCY = 4;

/**
 * Sends one notification through its provider (key = the notification id). Transient failures are retried
 * with exponential backoff from 5 s: 5 s, 10 s, ... some 21 minutes in all.
 */
export const sendNotification = defineJob<SendNotificationData>({
  name: 'send-notification',
  retry: { limit: 8, delaySeconds: 5, backoff: true },
  concurrency: SEND_CONCURRENCY,
});

/**
 * A notification is given up after this many provider calls, counted on its row across every job that ran
 * for it (a job enqueued again by hand after a crash has a fresh queue budget, the notification does not).
 */
export const SEND_MAX_ATTEMPTS = sendNotification.retry.limit + 1;
