import { setTimeout as delay } from 'node:timers/promises';
import { createPrismaAdapter } from '@autoverify/database';
import { type EntrataTuning, replicaSharedEntrataClients } from '@autoverify/entrata-client';
import { defineService, type ErasureRequest, type ServiceContext, worker } from '@autoverify/service-kit';
import { type VerificationClient, verificationClientFromEnv } from '@autoverify/verification-client';
import { ReportSyncEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import { type EntrataPort, type EntrataReads, entrataReads } from './handlers/entrata-reads.ts';
import { reportCompletedHandler } from './handlers/report-completed.ts';
import { syncReportJob } from './handlers/sync-report.ts';
import { adminRoutes } from './http/admin.ts';
import { defineSyncReport, type SyncReportJob } from './jobs.ts';
import { eraseApplicant, purgeExpired } from './store.ts';

/** Settings a test may shorten; production runs with these values. */
export interface ReportSyncOptions {
  /** Waits before each read of the document list when an earlier upload's outcome is unknown. */
  verifyDelaysMs: readonly number[];
  /** Incomplete PDFs tolerated (the platform may still be writing the report) before the failure is recorded. */
  maxInvalidPdf: number;
  /** Entrata client time-outs and back-off (the client's defaults unless a test shortens them). */
  entrata: EntrataTuning;
}

const defaultOptions: ReportSyncOptions = {
  // Entrata may list a new document late: 0 s, 5 s, 15 s before an upload is repeated.
  verifyDelaysMs: [0, 5_000, 15_000],
  maxInvalidPdf: 3,
  entrata: {},
};

/** What report-sync's handlers, jobs and routes work with: the shared context and its two APIs. */
export interface ReportSyncContext extends ServiceContext<ReportSyncEnv, Tx, ReportSyncOptions> {
  /** One Entrata client (and rate limiter) per tenant; throws UnknownTenantError for an unknown one. */
  entrata: { forTenant(tenantId: string): EntrataPort };
  platform: Pick<VerificationClient, 'getReport' | 'downloadReport'>;
  /** Entrata reads around an upload (the pick list is kept a while per tenant). */
  reads: EntrataReads;
  /** The sync job, with the retry policy of this service's env (jobs.ts). */
  syncReport: SyncReportJob;
}

/** report-sync: puts each completed verification report into Entrata as exactly one document. */
export const reportSyncService = defineService({
  name: 'report-sync',
  env: ReportSyncEnv,
  database: (url, pool) => new PrismaClient({ adapter: createPrismaAdapter(url, pool) }),
  options: defaultOptions,
  // Uploads to each customer's own Entrata with its own key; the platform credentials are the service's env.
  tenantSecrets: ['entrata'],
  async build(shared) {
    const platform = verificationClientFromEnv(shared.env, shared.logger);
    shared.onStop('verification platform client', () => platform.close());
    const entrata = await replicaSharedEntrataClients(shared);
    const reads = entrataReads({
      verifyDelaysMs: shared.options.verifyDelaysMs,
      sleep: (ms) => delay(ms),
      now: () => shared.clock.now().getTime(),
    });
    const syncReport = defineSyncReport(shared.env);
    const ctx: ReportSyncContext = { ...shared, entrata, platform, reads, syncReport };
    return {
      handlers: [reportCompletedHandler(ctx)],
      jobs: [worker(syncReport, syncReportJob(ctx))],
      privacy: {
        erase: (tx: Tx, { applicantId }: ErasureRequest) => eraseApplicant(tx, applicantId),
        purge: purgeExpired,
      },
      async routes(app) {
        // Without a token the admin routes do not exist (404) rather than being open.
        if (!ctx.env.ADMIN_TOKEN) return;
        await app.register(async (scope) => adminRoutes(scope, ctx));
      },
    };
  },
});
