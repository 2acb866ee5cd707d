import { defineJob } from '@autoverify/service-kit';

export interface SendNotificationData {
  notificationId: string;
}

/**
 * Send jobs run at once in one process; the database pool is sized from this (service.ts). An application's
 * requests arrive together (~9 jobs committed by one consumer transaction): with 4 slots every slot was busy
 * whenever a send job started and the last of a burst waited two job runs (e2e/bench README, 2026-12-06
 * h-latency); 8 take a burst in one round. 16 showed no clear gain in the sustained bench (CPU-bound there),
 * and every new job's NOTIFY wakes every idle worker, each of which then runs a fetch.
 */
export const SEND_CONCURRENCY = 8;

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
