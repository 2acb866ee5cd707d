import { defineJob } from '@autoverify/service-kit';

export interface SendReminderData {
  reminderId: string;
}

/**
 * Fires one reminder at its due time (enqueued with startAfter = dueAt, key = the reminder id). Only
 * transient failures (database, settings) are retried: about 30 s, 1, 2, 4 ... minutes apart.
 */
export const sendReminder = defineJob<SendReminderData>({
  name: 'send-reminder',
  retry: { limit: 8, delaySeconds: 30, backoff: true },
  concurrency: 2,
});
