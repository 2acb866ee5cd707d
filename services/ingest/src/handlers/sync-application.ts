import type { Tenants } from '@autoverify/config';
import { ApplicationReadFailed, ApplicationSubmittedV2, applicationIdFor } from '@autoverify/contracts';
import {
  type EntrataClients,
  type EntrataLeaseCustomer,
  type EntrataProspect,
  isEntrataError,
} from '@autoverify/entrata-client';
import type { Tx } from '../db.ts';
import { applicantsHash, buildApplicants } from '../domain/applicants.ts';
import { type ReadFailure, readFailedPayload, readFailures } from '../domain/read-failure.ts';
import { hashWithRent, resolveMonthlyRent } from '../domain/rent.ts';
import type { Deps, JobInfo, Jobs } from '../ports.ts';

export const SYNC_APPLICATION = 'sync-application';

/** Entrata outages last minutes to hours: back off up to 15 minutes, about 1.5 hours in total. */
export const SYNC_RETRY = { retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 900 } as const;

export interface SyncApplicationJob {
  tenantId: string;
  propertyId: string;
  entrataApplicationId: string;
  /** The webhook's lead id, kept for ApplicationSubmitted; Entrata is asked by the application id. */
  leadId?: string;
  source: 'webhook' | 'reconciliation';
  /** When Entrata said it happened (webhook); used as submittedAt when getLeads has no createdOn. */
  occurredAt?: string;
  /** The entrata_webhooks row that asked for this sync (webhook source). */
  webhookId?: string;
}

/**
 * One job per webhook (its row id), and one queued reconciliation sync per application. Keying by
 * application alone would drop a webhook arriving while that application's sync runs (pg-boss keeps one
 * queued-or-running job per key), and with it a contact change made at that moment. Concurrent syncs of one
 * application are made safe by the read-order check in the publishing transaction instead.
 */
export function syncJobKey(job: SyncApplicationJob): string {
  const application = `${job.tenantId}:${job.entrataApplicationId}`;
  return job.webhookId ? `${application}:webhook:${job.webhookId}` : `${application}:${job.source}`;
}

/**
 * Records that a sync is on its way (visible to support at once) and enqueues it, in the caller's
 * transaction. A repeated reconciliation sync while one waits is absorbed (same key).
 */
export async function enqueueSync(tx: Tx, jobs: Jobs, job: SyncApplicationJob): Promise<void> {
  const applicationId = applicationIdFor(job.tenantId, job.entrataApplicationId);
  await tx.$executeRaw`
    INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status, last_source)
    VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationId}::uuid, ${job.propertyId}, ${job.leadId ?? null}, 'pending', ${job.source})
    ON CONFLICT (tenant_id, entrata_application_id) DO UPDATE
      SET status = CASE WHEN applications.status = 'failed' THEN 'pending' ELSE applications.status END,
          lead_id = COALESCE(applications.lead_id, EXCLUDED.lead_id),
          updated_at = now()`;
  await jobs.send(SYNC_APPLICATION, job, { tx, singletonKey: syncJobKey(job), ...SYNC_RETRY });
}

export interface SyncDeps extends Deps {
  tenants: Tenants;
  entrata: EntrataClients;
}

/**
 * Reads the application from Entrata (getLeads for contacts, getLeases for roles), stores the snapshot and
 * publishes ApplicationSubmitted when the application is new or its applicants/contacts changed.
 */
export function syncApplication(deps: SyncDeps) {
  const logger = deps.logger.child({ job: SYNC_APPLICATION });

  /**
   * Records a sync that ended failed (on the application and its webhooks) and publishes ApplicationReadFailed
   * in the same transaction, so support sees on the timeline why nobody was invited and what to do.
   */
  const fail = async (
    job: SyncApplicationJob,
    info: JobInfo,
    failed: ReadFailure,
    readStartedAt?: string,
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
    await deps.transactions.run(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status, failure_reason, last_source)
        VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationId}::uuid,
                ${job.propertyId}, ${job.leadId ?? null}, 'failed', ${reason}, ${job.source})
        ON CONFLICT (tenant_id, entrata_application_id) DO UPDATE
          SET status = CASE WHEN applications.content_hash IS NULL THEN 'failed' ELSE applications.status END,
              failure_reason = EXCLUDED.failure_reason, last_source = EXCLUDED.last_source, updated_at = now()`;
      await markWebhooks(tx, job, 'failed', readStartedAt, reason);
      await deps.outbox.add(
        tx,
        ApplicationReadFailed,
        readFailedPayload(failed, { ...job, applicationId, attempts: info.retryCount + 1 }),
        { tenantId: job.tenantId, correlationId: applicationId },
      );
    });
    deps.relay.wake();
  };

  return async (job: SyncApplicationJob, info: JobInfo): Promise<void> => {
    const ids = {
      tenantId: job.tenantId,
      entrataApplicationId: job.entrataApplicationId,
      source: job.source,
      attempt: info.retryCount + 1,
    };
    if (!deps.tenants.get(job.tenantId)) return fail(job, info, readFailures.tenantUnknown(job.tenantId));
    const client = deps.entrata.forTenant(job.tenantId);
    // Database time, so read order is comparable across replicas; text keeps its microseconds.
    const readStartedAt = await deps.transactions.run(async (tx) => {
      const [row] = await tx.$queryRaw<{ t: string }[]>`SELECT clock_timestamp()::text AS t`;
      return (row as { t: string }).t;
    });
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
          info,
          readFailures.notFound(job.tenantId, job.entrataApplicationId, job.propertyId),
          readStartedAt,
        );
      const leases = await client.getLeases({
        propertyId: job.propertyId,
        applicationId: job.entrataApplicationId,
      });
      read = { prospect, leaseCustomers: leases.flatMap((l) => l.customers) };
    } catch (error) {
      if (isEntrataError(error) && error.retryable && info.retryCount < SYNC_RETRY.retryLimit) throw error;
      if (!isEntrataError(error)) logger.error({ err: error, ...ids }, 'application sync crashed');
      const exhausted = info.retryCount >= SYNC_RETRY.retryLimit;
      return fail(
        job,
        info,
        readFailures.fromError(job.tenantId, error, info.retryCount + 1, exhausted),
        readStartedAt,
      );
    }

    const built = buildApplicants(read.prospect, read.leaseCustomers, job.tenantId);
    if (built.applicants.length === 0) {
      const why =
        built.excluded.map((e) => `${e.entrataCustomerId}: ${e.reason}`).join('; ') || 'no customers';
      return fail(job, info, readFailures.noApplicants(why), readStartedAt);
    }
    const rent = resolveMonthlyRent(deps.tenants.property(job.tenantId, job.propertyId).monthlyRentCents);
    const hash = hashWithRent(applicantsHash(built), rent);
    const applicationId = applicationIdFor(job.tenantId, job.entrataApplicationId);
    const submittedAt = read.prospect.createdOn ?? job.occurredAt ?? new Date().toISOString();
    const { leadId } = job;

    const outcome = await deps.transactions.run(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status, last_source)
        VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationId}::uuid, ${job.propertyId}, ${leadId ?? null}, 'pending', ${job.source})
        ON CONFLICT (tenant_id, entrata_application_id) DO NOTHING`;
      // The row lock serialises concurrent syncs of one application until commit: each compares against
      // what the previous one stored, so one content is published once, and an older read never
      // overwrites (or re-publishes over) a newer one.
      const [row] = await tx.$queryRaw<{ content_hash: string | null; stale: boolean }[]>`
        SELECT content_hash, COALESCE(last_read_at > ${readStartedAt}::timestamptz, false) AS stale
          FROM applications
         WHERE tenant_id = ${job.tenantId} AND entrata_application_id = ${job.entrataApplicationId}
           FOR UPDATE`;
      if (row?.stale) {
        await markWebhooks(tx, job, 'processed', readStartedAt);
        return 'stale' as const;
      }
      const changed = row?.content_hash !== hash;
      if (changed) {
        await deps.outbox.add(
          tx,
          ApplicationSubmittedV2,
          {
            applicationId,
            entrataApplicationId: job.entrataApplicationId,
            propertyId: job.propertyId,
            ...(leadId ? { leadId } : {}),
            submittedAt,
            source: job.source,
            applicants: built.applicants,
            excluded: built.excluded,
            ...(rent ? { monthlyRentCents: rent.cents, rentSource: rent.source } : {}),
          },
          { tenantId: job.tenantId, correlationId: applicationId },
        );
      }
      await tx.$executeRaw`
        UPDATE applications
           SET status = 'synced', failure_reason = NULL, content_hash = ${hash},
               snapshot = ${JSON.stringify(built)}::jsonb, lead_id = COALESCE(${leadId ?? null}, lead_id),
               last_source = ${job.source}, last_synced_at = now(), last_read_at = ${readStartedAt}::timestamptz,
               last_published_at = CASE WHEN ${changed} THEN now() ELSE last_published_at END,
               publish_count = publish_count + ${changed ? 1 : 0}, updated_at = now()
         WHERE tenant_id = ${job.tenantId} AND entrata_application_id = ${job.entrataApplicationId}`;
      await markWebhooks(tx, job, 'processed', readStartedAt);
      return changed ? ('published' as const) : ('unchanged' as const);
    });
    const published = outcome === 'published';
    if (published) deps.relay.wake();
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

/**
 * The webhooks this sync answered: those received before its Entrata read started (that read saw what they
 * announced). Later ones keep their status until their own sync has run.
 */
async function markWebhooks(
  tx: Tx,
  job: SyncApplicationJob,
  status: 'processed' | 'failed',
  readStartedAt: string | undefined,
  reason?: string,
): Promise<void> {
  await tx.$executeRaw`
    UPDATE entrata_webhooks
       SET status = ${status}, failure_reason = ${reason ?? null}, processed_at = now()
     WHERE tenant_id = ${job.tenantId} AND entrata_application_id = ${job.entrataApplicationId}
       AND status IN ('accepted', 'failed')
       AND received_at <= COALESCE(${readStartedAt ?? null}::timestamptz, now())`;
}
