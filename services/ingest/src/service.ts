/**
 * Starts ingest's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { createPrismaAdapter } from '@autoverify/database';
import { type EntrataTuning, entrataClientsPerTenant, sharedRateLimits } from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';
import { type HttpServer, startEventService } from '@autoverify/service-kit';
import { buildIngest } from './app.ts';
import type { IngestEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';

export interface StartIngestOptions {
  env: IngestEnv;
  tenants: Tenants;
  logger: Logger;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Listen on the configured port (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  /** Job polling interval; tests use a short one. */
  jobPollingSeconds?: number;
  /** Entrata client settings; tests use small pages to see the reconciliation poll page. */
  entrataTuning?: EntrataTuning;
}

export interface RunningIngest {
  app: HttpServer;
  prisma: InstanceType<typeof PrismaClient>;
  url?: string;
}

export async function startIngest(options: StartIngestOptions): Promise<RunningIngest> {
  const { env, tenants, logger, onStop } = options;

  // Each customer's Entrata budget is shared by all of ingest's replicas (counted in its database).
  const limits = await sharedRateLimits({ connectionString: env.DATABASE_URL });
  onStop('entrata rate limits', () => limits.close());
  const entrata = entrataClientsPerTenant(tenants, logger, options.entrataTuning, limits);
  onStop('entrata clients', () => entrata.close());

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  const running = await startEventService<Tx>({
    service: 'ingest',
    env,
    prisma,
    logger,
    onStop,
    ...(options.listen === false ? { listen: false } : {}),
    async build({ transactions, jobs, relay }) {
      const ingest = buildIngest({
        transactions,
        jobs,
        tenants,
        entrata,
        relay,
        logger,
        platformWebhookSecret: env.PLATFORM_WEBHOOK_SECRET,
        platformMappingRetries: env.PLATFORM_MAPPING_RETRIES,
        reconciliationTickMs: env.RECONCILIATION_TICK_MS,
      });
      const workers = await ingest.startWorkers(
        options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {},
      );
      onStop('reconciliation scheduler', () => workers.stop());
      return { handlers: ingest.handlers, routes: (app) => ingest.routes(app) };
    },
  });
  return { app: running.app, prisma, ...(running.url ? { url: running.url } : {}) };
}
