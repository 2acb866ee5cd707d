import { defineJob, type JobDefinition } from '@autoverify/service-kit';
import type { IngestEnv } from './config.ts';

export interface SyncApplicationData {
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
 * Reads one application from Entrata and publishes it. Entrata outages last minutes to hours: back off up
 * to 15 minutes, about 1.5 hours in total, before the sync is recorded as failed. Sent with its tenant as
 * the group: one tenant's syncs take at most 2 of the 4 workers (a flood of its webhooks, or its Entrata
 * rate limit holding a worker while it waits), so other tenants' applications are still read promptly.
 */
export const syncApplication = defineJob<SyncApplicationData>({
  name: 'sync-application',
  retry: { limit: 10, delaySeconds: 5, backoff: true, maxDelaySeconds: 900 },
  concurrency: 4,
  groupConcurrency: 2,
});

export interface ReconcileTenantData {
  tenantId: string;
}

/** One tenant's reconciliation poll. The next poll comes soon anyway: a failed one is retried only a little. */
export const reconcileTenant = defineJob<ReconcileTenantData>({
  name: 'reconcile-tenant',
  retry: { limit: 2, delaySeconds: 10, backoff: true },
  concurrency: 1,
});

export interface ProcessPlatformWebhookData {
  dedupeKey: string;
}

export type ProcessPlatformWebhookJob = JobDefinition<ProcessPlatformWebhookData>;

/**
 * Turns a stored platform webhook into events. A webhook can beat the VerificationRequested that maps its
 * ids (the platform answers fast, our consumer may lag): it is retried with backoff (2 s doubling, at most
 * 10 min apart; PLATFORM_MAPPING_RETRIES, default 12: about 45 minutes) before it is recorded as failed.
 * The retry count is configuration, so the definition is made from the validated env once (service.ts).
 */
export function defineProcessPlatformWebhook(
  env: Pick<IngestEnv, 'PLATFORM_MAPPING_RETRIES'>,
): ProcessPlatformWebhookJob {
  return defineJob<ProcessPlatformWebhookData>({
    name: 'process-platform-webhook',
    retry: { limit: env.PLATFORM_MAPPING_RETRIES, delaySeconds: 2, backoff: true, maxDelaySeconds: 600 },
    concurrency: 4,
  });
}
