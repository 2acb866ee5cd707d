import { defineJob } from '@autoverify/service-kit';

export interface SendNotificationData {
  notificationId: string;
}

/**
 * Sends one notification through its provider (key = the notification id). Transient failures are retried
 * with exponential backoff from 5 s: 5 s, 10 s, ... some 21 minutes in all.
 */
export const sendNotification = defineJob<SendNotificationData>({
  name: 'send-notification',
  retry: { limit: 8, delaySeconds: 5, backoff: true },
  concurrency: 4,
});

/**
 * A notification is given up after this many provider calls, counted on its row across every job that ran
 * for it (a job enqueued again by hand after a crash has a fresh queue budget, the notification does not).
 */
export const SEND_MAX_ATTEMPTS = sendNotification.retry.limit + 1;
