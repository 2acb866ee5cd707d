import { createPrismaAdapter } from '@autoverify/database';
import {
  type EntrataClients,
  type EntrataTuning,
  replicaSharedEntrataClients,
} from '@autoverify/entrata-client';
import { defineService, type ServiceContext, worker } from '@autoverify/service-kit';
import { IngestEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import { processPlatformWebhookJob, verificationRequestedHandler } from './handlers/platform.ts';
import { reconcileTenantJob, startReconciliationScheduler } from './handlers/reconciliation.ts';
import { syncApplicationJob } from './handlers/sync-application.ts';
import { startWebhookSyncQueuer } from './handlers/webhook-syncs.ts';
import { entrataWebhookRoutes } from './http/entrata-webhook.ts';
import { platformWebhookRoutes } from './http/platform-webhook.ts';
import {
  defineProcessPlatformWebhook,
  type ProcessPlatformWebhookJob,
  reconcileTenant,
  syncApplication,
} from './jobs.ts';
import { eraseApplicant, purgeExpired } from './store/privacy.ts';

/** Settings a test may change; production runs with these values. */
export interface IngestOptions {
  /** Entrata client time-outs, page size and back-off (the client's defaults unless a test changes them). */
  entrata: EntrataTuning;
}

/** What ingest's handlers, jobs and routes work with: the shared context, Entrata, and the platform job. */
export interface IngestContext extends ServiceContext<IngestEnv, Tx, IngestOptions> {
  /** One Entrata client (and rate limiter) per tenant. */
  entrata: EntrataClients;
  /** The platform webhook job, with the retry count of this service's env (jobs.ts). */
  processPlatformWebhook: ProcessPlatformWebhookJob;
}

/** ingest: the only service Entrata and the verification platform call (README.md). */
export const ingestService = defineService({
  name: 'ingest',
  env: IngestEnv,
  database: (url, pool) => new PrismaClient({ adapter: createPrismaAdapter(url, pool) }),
  options: { entrata: {} } as IngestOptions,
  // Reads each customer's Entrata with its key and checks its webhooks with its secrets.
  tenantSecrets: ['entrata', 'webhook'],
  async build(shared) {
    const entrata = await replicaSharedEntrataClients(shared);
    const processPlatformWebhook = defineProcessPlatformWebhook(shared.env);
    const ctx: IngestContext = { ...shared, entrata, processPlatformWebhook };
    return {
      // In the worker process when split (SERVICE_ROLE): the web process only stores webhooks.
      background: [
        { name: 'webhook sync queuer', start: () => startWebhookSyncQueuer(ctx) },
        { name: 'reconciliation scheduler', start: () => startReconciliationScheduler(ctx) },
      ],
      handlers: [verificationRequestedHandler()],
      jobs: [
        worker(syncApplication, syncApplicationJob(ctx)),
        worker(reconcileTenant, reconcileTenantJob(ctx)),
        worker(processPlatformWebhook, processPlatformWebhookJob(ctx)),
      ],
      async routes(app) {
        await app.register(async (scope) => entrataWebhookRoutes(scope, ctx));
        await app.register(async (scope) => platformWebhookRoutes(scope, ctx));
      },
      privacy: { erase: eraseApplicant, purge: purgeExpired },
    };
  },
});
