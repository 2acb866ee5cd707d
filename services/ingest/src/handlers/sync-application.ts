import {
  ApplicationReadFailedV2,
  ApplicationSubmittedV3,
  applicationIdFor,
  type PayloadOf,
} from '@autoverify/contracts';
import { type EntrataLeaseCustomer, type EntrataProspect, isEntrataError } from '@autoverify/entrata-client';
import type { JobAttempt, SqlTransaction } from '@autoverify/service-kit';
import { applicantsHash, buildApplicants } from '../domain/applicants.ts';
import { sizeProblems } from '../domain/limits.ts';
import { type ReadFailure, readFailedPayload, readFailures } from '../domain/read-failure.ts';
import { hashWithRent, resolveMonthlyRent } from '../domain/rent.ts';
import { type SyncApplicationData, syncApplication } from '../jobs.ts';
import type { IngestContext } from '../service.ts';
import {
  lockApplication,
  markSyncPending,
  markWebhooks,
  recordSyncFailed,
  saveSnapshot,
  startSyncRead,
} from '../store/applications.ts';

/**
 * One job per webhook that queued a sync (its row id; webhooks taken while it waits do not queue one), and
 * one queued reconciliation sync per application. Keying by application alone would drop a webhook arriving
 * while that application's sync runs (the queue keeps one queued-or-running job per key), and with it a
 * contact change made at that moment. Concurrent syncs of one application are made safe by the read-order
 * check in the publishing transaction instead.
 */
export function syncJobKey(job: SyncApplicationData): string {
  const application = `${job.tenantId}:${job.entrataApplicationId}`;
  return job.webhookId ? `${application}:webhook:${job.webhookId}` : `${application}:${job.source}`;
}

/**
 * Records that a sync is on its way (visible to support at once) and enqueues it, in the caller's
 * transaction, to start at once or at `startAfter`. A repeated reconciliation sync while one waits is
 * absorbed (same key).
 */
export async function enqueueSync(
  ctx: Pick<IngestContext, 'jobs'>,
  tx: SqlTransaction,
  job: SyncApplicationData,
  startAfter?: Date,
): Promise<void> {
  await markSyncPending(tx.sql, job, applicationIdFor(job.tenantId, job.entrataApplicationId));
  await ctx.jobs.send(syncApplication, job, {
    tx,
    key: syncJobKey(job),
    group: job.tenantId,
    ...(startAfter ? { startAfter } : {}),
  });
}

const isSyncData = (data: SyncApplicationData): boolean =>
  typeof data?.tenantId === 'string' &&
  typeof data.propertyId === 'string' &&
  typeof data.entrataApplicationId === 'string' &&
  (data.source === 'webhook' || data.source === 'reconciliation');

/**
 * Reads the application from Entrata (getLeads for contacts, getLeases for roles), stores the snapshot and
 * publishes ApplicationSubmitted when the application is new or its applicants/contacts changed.
 */
export function syncApplicationJob(ctx: IngestContext) {
  const logger = ctx.logger.child({ job: syncApplication.name });

  /**
   * Records a sync that ended failed (on the application and its webhooks) and publishes ApplicationReadFailed
   * in the same transaction, so support sees on the timeline why nobody was invited and what to do.
   */
  const fail = async (
    job: SyncApplicationData,
    attempt: JobAttempt,
    failed: ReadFailure,
    readStartedAt: string,
  ) => {
    const reason = failed.detail;
    const applicationId = applicationIdFor(job.tenantId, job.entrataApplicationId);
    logger.warn(
      {
        tenantId: job.tenantId,
        entrataApplicationId: job.entrataApplicationId,
        reasonCode: failed.reasonCode,
        reason,
      },
      'application sync failed',
    );
    await ctx.db.transaction(async (tx) => {
      await recordSyncFailed(tx.sql, job, applicationId, reason);
      await markWebhooks(tx.sql, job, 'failed', readStartedAt, reason);
      await tx.outbox.add(
        ApplicationReadFailedV2,
        readFailedPayload(failed, { ...job, applicationId, attempts: attempt.number }),
        { tenantId: job.tenantId, correlationId: applicationId },
      );
    });
  };

  return async (job: SyncApplicationData, attempt: JobAttempt): Promise<void> => {
    if (!isSyncData(job)) return void logger.error({ job }, 'malformed sync-application job dropped');
    const ids = {
      tenantId: job.tenantId,
      entrataApplicationId: job.entrataApplicationId,
      source: job.source,
      attempt: attempt.number,
    };
    const readStartedAt = await startSyncRead(ctx.db.sql, job);
    if (!ctx.tenants.get(job.tenantId))
      return fail(job, attempt, readFailures.tenantUnknown(job.tenantId), readStartedAt);
    const client = ctx.entrata.forTenant(job.tenantId);
    let read: { prospect: EntrataProspect; leaseCustomers: EntrataLeaseCustomer[] };
    try {
      // getLeads is asked by leadId, the number Entrata also shows as the application id, and the prospect is
      // recognised by its applicationId: prospects carry no leadId.
      const prospect = await client.findApplication({
        propertyId: job.propertyId,
        applicationId: job.entrataApplicationId,
      });
      if (!prospect)
        return fail(
          job,
          attempt,
          readFailures.notFound(job.tenantId, job.entrataApplicationId, job.propertyId),
          readStartedAt,
        );
      const leases = await client.getLeases({
        propertyId: job.propertyId,
        applicationId: job.entrataApplicationId,
      });
      read = { prospect, leaseCustomers: leases.flatMap((l) => l.customers) };
    } catch (error) {
      if (isEntrataError(error) && error.retryable && !attempt.final) throw error;
      if (!isEntrataError(error)) logger.error({ err: error, ...ids }, 'application sync crashed');
      return fail(
        job,
        attempt,
        readFailures.fromError(job.tenantId, error, attempt.number, attempt.final),
        readStartedAt,
      );
    }

    const built = buildApplicants(read.prospect, read.leaseCustomers, job.tenantId);
    if (built.applicants.length === 0) {
      const why =
        built.excluded.map((e) => `${e.entrataCustomerId}: ${e.reason}`).join('; ') || 'no customers';
      return fail(job, attempt, readFailures.noApplicants(why), readStartedAt);
    }
    const rent = resolveMonthlyRent(ctx.tenants.property(job.tenantId, job.propertyId).monthlyRentCents);
    const hash = hashWithRent(applicantsHash(built), rent);
    const applicationId = applicationIdFor(job.tenantId, job.entrataApplicationId);
    const submittedAt = read.prospect.createdOn ?? job.occurredAt ?? ctx.clock.now().toISOString();
    const { leadId } = job;
    const submitted: PayloadOf<typeof ApplicationSubmittedV3> = {
      applicationId,
      entrataApplicationId: job.entrataApplicationId,
      propertyId: job.propertyId,
      ...(leadId ? { leadId } : {}),
      submittedAt,
      source: job.source,
      applicants: built.applicants,
      excluded: built.excluded,
      ...(rent ? { monthlyRentCents: rent.cents, rentSource: rent.source } : {}),
    };
    // Not published beyond the contract's limits: a visible failure instead (and nothing invited).
    const tooLarge = sizeProblems(submitted);
    if (tooLarge.length > 0) return fail(job, attempt, readFailures.tooLarge(tooLarge), readStartedAt);

    const outcome = await ctx.db.transaction(async (tx) => {
      // The row lock serialises concurrent syncs of one application until commit: each compares against
      // what the previous one stored, so one content is published once, and an older read never
      // overwrites (or re-publishes over) a newer one.
      const row = await lockApplication(tx.sql, job, applicationId, readStartedAt);
      if (row?.stale) {
        await markWebhooks(tx.sql, job, 'processed', readStartedAt);
        return 'stale' as const;
      }
      const changed = row?.contentHash !== hash;
      if (changed)
        await tx.outbox.add(ApplicationSubmittedV3, submitted, {
          tenantId: job.tenantId,
          correlationId: applicationId,
        });
      await saveSnapshot(tx.sql, job, { hash, snapshot: built, readStartedAt, published: changed });
      await markWebhooks(tx.sql, job, 'processed', readStartedAt);
      return changed ? ('published' as const) : ('unchanged' as const);
    });
    const published = outcome === 'published';
    logger.info(
      {
        ...ids,
        applicationId,
        applicants: built.applicants.length,
        excluded: built.excluded.length,
        published,
      },
      outcome === 'published'
        ? 'application synced; ApplicationSubmitted published'
        : outcome === 'stale'
          ? 'application read is older than the stored one; discarded'
          : 'application synced; unchanged, nothing published',
    );
  };
}
