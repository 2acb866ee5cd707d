/**
 * Personal data's two exits, the same for every service (docs/security.md "Retention", "Erasure"): a daily
 * retention job that deletes what is older than RETENTION_DAYS after its final state, and the handler of
 * ApplicantErasureRequested that erases one applicant and answers with ApplicantErased (the audit record).
 * A service gives the two store functions in `ServiceParts.privacy`; service-kit wires the rest.
 */
import { ApplicantErased, ApplicantErasureRequested, type EventOf } from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import {
  causedBy,
  eraseFromOutbox,
  type Handler,
  handle,
  type Outbox,
  type Transactions,
} from '@autoverify/messaging';
import type { Clock } from './clock.ts';
import type { Database } from './database.ts';
import { defineJob, type JobWorker, worker } from './job.ts';

/** Rows deleted or anonymised, per table. */
export type ErasedCounts = Record<string, number>;

export interface ErasureRequest {
  tenantId: string;
  applicationId: string;
  applicantId: string;
}

/** Tx: the service's Prisma transaction (purge); EraseTx: its consumer's (Prisma's, or SqlTransaction). */
export interface PrivacyParts<Tx, EraseTx = Tx> {
  /**
   * Deletes or anonymises every personal value of the applicant, in the consumer's transaction. Must be
   * idempotent (a repeated request erases nothing and says so with zeros). Absent for a service that is not
   * one of the erasure's answerers (support erases its own copies in its own handler).
   */
  erase?(tx: EraseTx, request: ErasureRequest): Promise<ErasedCounts>;
  /**
   * Deletes at most `limit` items (applications, notifications…) whose final state is older than `cutoff`,
   * with everything personal that hangs off them. Called again until it deletes nothing.
   */
  purge(tx: Tx, cutoff: Date, limit: number): Promise<ErasedCounts>;
}

/** The retention run: daily at 03:17 UTC in one process (pg-boss schedule), or sent by hand (tests, support). */
export const retentionJob = defineJob<Record<string, never>>({
  name: 'retention',
  retry: { limit: 3, delaySeconds: 600 },
  concurrency: 1,
  expireInSeconds: 3600,
  schedule: '17 3 * * *',
});
const PURGE_BATCH = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The cut-off of a retention run: what reached its final state before it is deleted. */
export const retentionCutoff = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

export function retentionWorker<Tx>(
  ctx: { db: Pick<Database<Tx>, 'run'>; clock: Clock; logger: Logger; retentionDays: number },
  purge: PrivacyParts<Tx>['purge'],
): JobWorker {
  return worker(retentionJob, async (_data, attempt) => {
    const cutoff = retentionCutoff(ctx.clock.now(), ctx.retentionDays);
    const total: ErasedCounts = {};
    // Batches, each its own transaction: a large backlog never holds locks (or the 30 s time-out) for long.
    for (;;) {
      if (attempt.signal.aborted) throw new Error('retention run stopped; the next run continues');
      const counts = await ctx.db.run((tx) => purge(tx, cutoff, PURGE_BATCH));
      for (const [table, n] of Object.entries(counts)) total[table] = (total[table] ?? 0) + n;
      if (Object.values(counts).every((n) => n === 0)) break;
    }
    ctx.logger.info({ cutoff: cutoff.toISOString(), deleted: total }, 'retention: personal data purged');
  });
}

/**
 * Erases the applicant in the consumer's transaction (the service's rows, then copies of events naming
 * them in the outbox tables) and records ApplicantErased in the same one.
 */
export function erasureHandler<Tx>(
  service: string,
  erase: NonNullable<PrivacyParts<Tx>['erase']>,
  transactions: Pick<Transactions<Tx>, 'sql'>,
): Handler<Tx> {
  return handle(
    ApplicantErasureRequested,
    async (event: EventOf<typeof ApplicantErasureRequested>, tx: Tx, { outbox, logger }) => {
      const { requestId, applicationId, applicantId } = event.payload;
      const erased = {
        ...(await erase(tx, { tenantId: event.tenantId, applicationId, applicantId })),
        ...(await eraseFromOutbox(transactions.sql(tx), { applicationId, applicantId })),
      };
      await (outbox as Outbox<Tx>).add(
        tx,
        ApplicantErased,
        { requestId, applicationId, applicantId, service, erased },
        causedBy(event),
      );
      logger.info({ requestId, applicantId, erased }, 'applicant erased');
    },
  );
}
