import type { Tenants } from '@autoverify/config';
import { type Handler, type Logger, Outbox, type Transactions } from '@autoverify/messaging';
import { type Clock, systemClock } from './clock.ts';
import { closeReminderHandlers } from './handlers/close-reminders.ts';
import { inviteContactsHandler } from './handlers/invite-contacts.ts';
import { inviteSentHandler } from './handlers/invite-sent.ts';
import { type SendOutcome, sendReminderJob } from './handlers/send-reminder.ts';
import type { JobQueuePort, QueueTx } from './ports.ts';

export interface ReminderAppDeps<Tx extends QueueTx> {
  transactions: Transactions<Tx>;
  jobs: JobQueuePort;
  tenants: Pick<Tenants, 'property'>;
  relay: { wake(): void };
  logger: Logger;
  /** Real time unless a test says otherwise. */
  clock?: Clock;
}

export interface ReminderApp<Tx extends QueueTx> {
  /** For startConsumer (topics: subscriptions.reminder). */
  handlers: Handler<Tx>[];
  /** The send-reminder worker; the caller registers it with its job queue. */
  sendReminder: (data: unknown) => Promise<SendOutcome>;
}

/** reminder's use cases from their dependencies: service.ts and the tests build it the same way. */
export function buildReminder<Tx extends QueueTx>(deps: ReminderAppDeps<Tx>): ReminderApp<Tx> {
  const full = { ...deps, clock: deps.clock ?? systemClock, outbox: new Outbox<Tx>(deps.transactions) };
  return {
    handlers: [inviteSentHandler(full), inviteContactsHandler(full), ...closeReminderHandlers(full)],
    sendReminder: sendReminderJob(full),
  };
}
