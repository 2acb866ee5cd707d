/**
 * Reminders wait in reminder's own table until they come due; only then do they become send-reminder jobs.
 * With a million reminders planned for the coming weeks, pg-boss's job table (whose fetch reads every
 * queued job of the queue, e2e/bench/README.md "Reminders at scale") holds just the few due in the next
 * minutes, and the tick reads them through a partial index of the reminders still waiting for a job: both
 * cost what is due, not what is pending.
 */
import type { SqlTransaction } from '@autoverify/service-kit';
import { sendReminder } from './jobs.ts';
import type { ReminderContext } from './service.ts';
import { lockAwaitingJob, setReminderJob } from './store.ts';

/**
 * How far ahead of its due time a reminder becomes a job. The tick runs every minute, give or take pg-boss's
 * 30 s cron pass, so each reminder is queued by at least two ticks' worth before it is due; the job queue
 * then wakes a worker at the due time (startJobQueue's wakeWhenDue), well within a second.
 */
export const QUEUE_AHEAD_MS = 5 * 60 * 1000;
/** Rows per tick transaction: a backlog after an outage is queued in short transactions. */
const TICK_BATCH = 500;

/**
 * Queues the send-reminder job of a reminder row that has none, in the caller's transaction (the row is
 * new, locked, or just taken by the tick). The key names the due time: a job being run for an earlier due
 * time of the same reminder (a quiet-hours reschedule) still holds its own key.
 */
export async function queueReminderJob(
  ctx: Pick<ReminderContext, 'jobs'>,
  tx: SqlTransaction,
  id: string,
  dueAt: Date,
): Promise<void> {
  const jobId = await ctx.jobs.send(
    sendReminder,
    { reminderId: id },
    { tx, key: `${id}@${dueAt.toISOString()}`, startAfter: dueAt },
  );
  await setReminderJob(tx.sql, id, jobId);
}

/** Whether a reminder due at `dueAt` is queued now rather than by a later tick (the job queue's clock). */
export const dueSoon = (dueAt: Date): boolean => dueAt.getTime() - Date.now() <= QUEUE_AHEAD_MS;

/** The tick: queues every reminder due within QUEUE_AHEAD_MS that has no job yet; returns how many. */
export async function queueComingDue(ctx: Pick<ReminderContext, 'db' | 'jobs'>): Promise<number> {
  let queued = 0;
  for (;;) {
    const batch = await ctx.db.transaction(async (tx) => {
      const rows = await lockAwaitingJob(tx.sql, QUEUE_AHEAD_MS, TICK_BATCH);
      for (const { id, dueAt } of rows) await queueReminderJob(ctx, tx, id, dueAt);
      return rows.length;
    });
    queued += batch;
    if (batch < TICK_BATCH) return queued;
  }
}
