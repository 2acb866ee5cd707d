import type { Tenants } from '@autoverify/config';
import { ApplicationSubmitted, applicationIdFor } from '@autoverify/contracts';
import { type EntrataLeaseCustomer, type EntrataProspect, isEntrataError } from '@autoverify/entrata-client';
import type { Tx } from '../db.ts';
import { applicantsHash, buildApplicants } from '../domain/applicants.ts';
import type { EntrataClients } from '../entrata-clients.ts';
import type { Deps, JobInfo, Jobs } from '../ports.ts';

export const SYNC_APPLICATION = 'sync-application';

/** Entrata outages last minutes to hours: back off up to 15 minutes, about 1.5 hours in total. */
export const SYNC_RETRY = { retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 900 } as const;

export interface SyncApplicationJob {
  tenantId: string;
  propertyId: string;
  entrataApplicationId: string;
  leadId?: string;
  source: 'webhook' | 'reconciliation';
  /** When Entrata said it happened (webhook); used as submittedAt when getLeads has no createdOn. */
  occurredAt?: string;
}

/**
 * Records that a sync is on its way (visible to support at once) and enqueues it, in the caller's
 * transaction. One queued or running sync per application: repeats while one waits are absorbed.
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
  await jobs.send(SYNC_APPLICATION, job, {
    tx,
    singletonKey: `${job.tenantId}:${job.entrataApplicationId}`,
    ...SYNC_RETRY,
  });
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

  const fail = async (job: SyncApplicationJob, reason: string) => {
    logger.warn(
      { tenantId: job.tenantId, entrataApplicationId: job.entrataApplicationId, reason },
      'application sync failed',
    );
    await deps.transactions.run(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status, failure_reason, last_source)
        VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationIdFor(job.tenantId, job.entrataApplicationId)}::uuid,
                ${job.propertyId}, ${job.leadId ?? null}, 'failed', ${reason}, ${job.source})
        ON CONFLICT (tenant_id, entrata_application_id) DO UPDATE
          SET status = CASE WHEN applications.content_hash IS NULL THEN 'failed' ELSE applications.status END,
              failure_reason = EXCLUDED.failure_reason, last_source = EXCLUDED.last_source, updated_at = now()`;
      await markWebhooks(tx, job, 'failed', reason);
    });
  };

  return async (job: SyncApplicationJob, info: JobInfo): Promise<void> => {
    const ids = {
      tenantId: job.tenantId,
      entrataApplicationId: job.entrataApplicationId,
      source: job.source,
      attempt: info.retryCount + 1,
    };
    if (!deps.tenants.get(job.tenantId)) return fail(job, `unknown tenant ${job.tenantId}`);
    const client = deps.entrata.forTenant(job.tenantId);
    let read: { prospect: EntrataProspect; leaseCustomers: EntrataLeaseCustomer[] };
    try {
      const prospects = await client.getLeads(
        job.leadId
          ? { propertyId: job.propertyId, leadId: job.leadId }
          : { propertyId: job.propertyId, applicationId: job.entrataApplicationId },
      );
      const prospect = prospects.find((p) => p.applicationId === job.entrataApplicationId);
      if (!prospect)
        return fail(
          job,
          `application ${job.entrataApplicationId} not found by getLeads in property ${job.propertyId}`,
        );
      const leases = await client.getLeases({
        propertyId: job.propertyId,
        applicationId: job.entrataApplicationId,
      });
      read = { prospect, leaseCustomers: leases.flatMap((l) => l.customers) };
    } catch (error) {
      if (isEntrataError(error) && error.retryable && info.retryCount < SYNC_RETRY.retryLimit) throw error;
      const reason = isEntrataError(error) ? error.message : `unexpected error: ${(error as Error).message}`;
      if (!isEntrataError(error)) logger.error({ err: error, ...ids }, 'application sync crashed');
      return fail(
        job,
        info.retryCount >= SYNC_RETRY.retryLimit
          ? `gave up after ${info.retryCount + 1} attempts: ${reason}`
          : reason,
      );
    }

    const built = buildApplicants(read.prospect, read.leaseCustomers, job.tenantId);
    if (built.applicants.length === 0) {
      const why =
        built.excluded.map((e) => `${e.entrataCustomerId}: ${e.reason}`).join('; ') || 'no customers';
      return fail(job, `no applicant to invite (${why})`);
    }
    const hash = applicantsHash(built);
    const applicationId = applicationIdFor(job.tenantId, job.entrataApplicationId);
    const submittedAt = read.prospect.createdOn ?? job.occurredAt ?? new Date().toISOString();
    const leadId = read.prospect.leadId ?? job.leadId;

    const published = await deps.transactions.run(async (tx) => {
      // The upsert locks the row until commit, so two syncs of one application cannot both publish.
      const [row] = await tx.$queryRaw<{ content_hash: string | null }[]>`
        INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status, last_source)
        VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationId}::uuid, ${job.propertyId}, ${leadId ?? null}, 'pending', ${job.source})
        ON CONFLICT (tenant_id, entrata_application_id) DO UPDATE SET updated_at = now()
        RETURNING content_hash`;
      const changed = row?.content_hash !== hash;
      if (changed) {
        await deps.outbox.add(
          tx,
          ApplicationSubmitted,
          {
            applicationId,
            entrataApplicationId: job.entrataApplicationId,
            propertyId: job.propertyId,
            ...(leadId ? { leadId } : {}),
            submittedAt,
            source: job.source,
            applicants: built.applicants,
            excluded: built.excluded,
          },
          { tenantId: job.tenantId, correlationId: applicationId },
        );
      }
      await tx.application.update({
        where: {
          tenantId_entrataApplicationId: {
            tenantId: job.tenantId,
            entrataApplicationId: job.entrataApplicationId,
          },
        },
        data: {
          status: 'synced',
          failureReason: null,
          contentHash: hash,
          snapshot: built as object,
          leadId: leadId ?? null,
          lastSource: job.source,
          lastSyncedAt: new Date(),
          ...(changed ? { lastPublishedAt: new Date(), publishCount: { increment: 1 } } : {}),
        },
      });
      await markWebhooks(tx, job, 'processed');
      return changed;
    });
    if (published) deps.relay.wake();
    logger.info(
      {
        ...ids,
        applicationId,
        applicants: built.applicants.length,
        excluded: built.excluded.length,
        published,
      },
      published
        ? 'application synced; ApplicationSubmitted published'
        : 'application synced; unchanged, nothing published',
    );
  };
}

async function markWebhooks(
  tx: Tx,
  job: SyncApplicationJob,
  status: 'processed' | 'failed',
  reason?: string,
): Promise<void> {
  await tx.entrataWebhook.updateMany({
    where: {
      tenantId: job.tenantId,
      entrataApplicationId: job.entrataApplicationId,
      status: { in: ['accepted', 'failed'] },
    },
    data: { status, failureReason: reason ?? null, processedAt: new Date() },
  });
}
