import type { JobQueue } from '@autoverify/service-kit';

export type { QueueTx } from '@autoverify/service-kit';

/** What the use cases need from service-kit's job queue, kept narrow so tests can observe or wrap it. */
export type JobQueuePort = Pick<JobQueue, 'send' | 'cancel'>;

export const SEND_REMINDER_JOB = 'send-reminder';

/** Only transient failures (database, settings) are retried: about 30 s, 1, 2, 4 ... minutes apart. */
export const SEND_REMINDER_RETRY = { retryLimit: 8, retryDelay: 30, retryBackoff: true } as const;

export interface SendReminderJob {
  reminderId: string;
}
