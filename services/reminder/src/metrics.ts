import type { SendOutcome } from './handlers/send-reminder.ts';
import type { ReminderContext } from './service.ts';
import { countScheduled } from './store.ts';

/** Reminders pending (from the database, on each scrape) and each send-reminder run's outcome. */
export function reminderMetrics(ctx: ReminderContext): { fired(outcome: SendOutcome): void } {
  const fired = ctx.meter.createCounter('autoverify.reminders.fired', {
    description: 'send-reminder runs by outcome (sent, skipped, rescheduled, cancelled, ...)',
  });
  ctx.meter
    .createObservableGauge('autoverify.reminders.pending', {
      description: 'Reminders scheduled and not yet fired, cancelled or skipped',
    })
    .addCallback(async (result) => result.observe(await countScheduled(ctx.db.client)));
  return { fired: (outcome) => fired.add(1, { outcome }) };
}
