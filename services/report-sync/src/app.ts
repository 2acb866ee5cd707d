/**
 * report-sync's use cases assembled from their dependencies, so main.ts (production) and the integration
 * tests build the same service.
 */
import { type Handler, Outbox } from '@autoverify/messaging';
import type { HttpServer } from '@autoverify/service-kit';
import { type JobRetry, type JobSender, SYNC_REPORT_JOB } from './handlers/ports.ts';
import { reportCompletedHandler } from './handlers/report-completed.ts';
import { type SyncReportDeps, syncReportJob } from './handlers/sync-report.ts';
import { adminRoutes } from './http/admin.ts';

export interface ReportSyncDeps<Tx> extends Omit<SyncReportDeps<Tx>, 'outbox'> {
  jobs: JobSender;
  retry: JobRetry;
  /** Admin routes are registered only with a token. */
  adminToken?: string | undefined;
}

export interface ReportSyncService {
  handlers: Handler<unknown>[];
  syncJob: { name: typeof SYNC_REPORT_JOB; run: ReturnType<typeof syncReportJob> };
  routes(app: HttpServer): Promise<void>;
}

export function buildReportSync<Tx>(deps: ReportSyncDeps<Tx>): ReportSyncService {
  const outbox = new Outbox(deps.transactions);
  return {
    handlers: [reportCompletedHandler(deps) as Handler<unknown>],
    syncJob: { name: SYNC_REPORT_JOB, run: syncReportJob({ ...deps, outbox }) },
    async routes(app) {
      const adminToken = deps.adminToken;
      if (!adminToken) return;
      await app.register(async (scope) => adminRoutes(scope, { ...deps, adminToken }));
    },
  };
}
