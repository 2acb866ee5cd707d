import { defineJob } from '@autoverify/service-kit';

export interface SendReminderData {
  reminderId: string;
}

/**
 * Fires one reminder at its due time (queued with startAfter = dueAt once it is due within QUEUE_AHEAD_MS,
 * see queue-reminders.ts). Only transient failures (database, settings) are retried: about 30 s, 1, 2, 4 ...
 * minutes apart.
 */
export const sendReminder = defineJob<SendReminderData>({
  name: 'send-reminder',
  retry: { limit: 8, delaySeconds: 30, backoff: true },
  concurrency: 2,
});

/**
 * The scheduler tick: every minute, one process moves the reminders coming due into send-reminder jobs.
 * A failed tick is not retried: the next one, a minute later, takes the same rows.
 */
export const queueDueReminders = defineJob<Record<string, never>>({
  name: 'queue-due-reminders',
  retry: { limit: 0, delaySeconds: 0 },
  concurrency: 1,
  schedule: '* * * * *',
});
