import type { Tenants } from '@autoverify/config';
import type { Logger, Outbox, Transactions } from '@autoverify/messaging';
import type { Clock } from '../clock.ts';
import type { JobQueuePort, QueueTx } from '../ports.ts';

/** What reminder's handlers and job need; main.ts wires the real ones, tests may swap the clock. */
export interface ReminderDeps<Tx extends QueueTx> {
  transactions: Transactions<Tx>;
  jobs: JobQueuePort;
  tenants: Pick<Tenants, 'property'>;
  clock: Clock;
  logger: Logger;
  /** For the job: events added outside a consumer transaction. */
  outbox: Outbox<Tx>;
  /** Woken after a job's transaction that added events commits. */
  relay: { wake(): void };
}
