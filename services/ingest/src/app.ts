import type { Tenants } from '@autoverify/config';
import type { EntrataClients } from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';
import { type Handler, Outbox, type Transactions } from '@autoverify/messaging';
import type { FastifyInstance } from 'fastify';
import type { Tx } from './db.ts';
import {
  PROCESS_PLATFORM_WEBHOOK,
  type ProcessPlatformWebhookJob,
  processPlatformWebhook,
  verificationRequestedHandler,
} from './handlers/platform.ts';
import {
  RECONCILE_TENANT,
  type ReconcileTenantJob,
  reconcileTenant,
  startReconciliationScheduler,
} from './handlers/reconciliation.ts';
import { SYNC_APPLICATION, type SyncApplicationJob, syncApplication } from './handlers/sync-application.ts';
import { entrataWebhookRoutes } from './http/entrata-webhook.ts';
import { platformWebhookRoutes } from './http/platform-webhook.ts';
import type { Jobs } from './ports.ts';

export interface IngestDeps {
  transactions: Transactions<Tx>;
  jobs: Jobs;
  tenants: Tenants;
  entrata: EntrataClients;
  relay: { wake(): void };
  logger: Logger;
  platformWebhookSecret: string;
  /** Retries of a platform webhook waiting for its id mapping (default 12, about 45 minutes). */
  platformMappingRetries?: number;
  /** How often due reconciliation polls are looked for. */
  reconciliationTickMs?: number;
}

export interface IngestApp {
  /** Registers the webhook routes on a service-kit server. */
  routes(app: FastifyInstance): Promise<void>;
  /** For startConsumer (VerificationRequested -> id mapping). */
  handlers: Handler<Tx>[];
  /** Starts the job workers and the reconciliation scheduler; returns the scheduler's stop. */
  startWorkers(options?: { pollingIntervalSeconds?: number }): Promise<{ stop(): Promise<void> }>;
}

/** ingest's use cases from their dependencies: service.ts and the tests build it the same way. */
export function buildIngest(deps: IngestDeps): IngestApp {
  const outbox = new Outbox<Tx>(deps.transactions);
  const base = {
    transactions: deps.transactions,
    outbox,
    jobs: deps.jobs,
    relay: deps.relay,
    logger: deps.logger,
  };
  const syncDeps = { ...base, tenants: deps.tenants, entrata: deps.entrata };
  const mappingRetries =
    deps.platformMappingRetries === undefined ? {} : { platformMappingRetries: deps.platformMappingRetries };
  return {
    async routes(app) {
      await app.register(entrataWebhookRoutes({ ...base, tenants: deps.tenants }));
      await app.register(
        platformWebhookRoutes({
          ...base,
          platformWebhookSecret: deps.platformWebhookSecret,
          ...mappingRetries,
        }),
      );
    },
    handlers: [verificationRequestedHandler],
    async startWorkers(options = {}) {
      const polling = options.pollingIntervalSeconds
        ? { pollingIntervalSeconds: options.pollingIntervalSeconds }
        : {};
      await deps.jobs.work<SyncApplicationJob>(SYNC_APPLICATION, syncApplication(syncDeps), {
        concurrency: 4,
        ...polling,
      });
      await deps.jobs.work<ReconcileTenantJob>(RECONCILE_TENANT, reconcileTenant(syncDeps), {
        concurrency: 1,
        ...polling,
      });
      await deps.jobs.work<ProcessPlatformWebhookJob>(
        PROCESS_PLATFORM_WEBHOOK,
        processPlatformWebhook({ ...base, retryLimit: deps.platformMappingRetries }),
        { concurrency: 4, ...polling },
      );
      return startReconciliationScheduler({
        tenants: deps.tenants,
        deps: syncDeps,
        ...(deps.reconciliationTickMs ? { tickMs: deps.reconciliationTickMs } : {}),
      });
    },
  };
}
