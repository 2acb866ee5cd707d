import { defineJob } from '@autoverify/service-kit';

export interface SendNotificationData {
  notificationId: string;
}

/**
 * Send jobs run at once in one process. A run mostly waits (database, SMTP, Twilio), so 16 keep up with
 * some 18 invitations/s (2 applications/s) where 4 fell behind (e2e/bench sustained); the database pool is
 * sized from this (service.ts).
 */
export const SEND_CONCURRENCY = 16;

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
