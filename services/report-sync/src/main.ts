import { loadEnv, loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { runService } from '@autoverify/service-kit';
import { ReportSyncEnv } from './config.ts';
import { startReportSync } from './service.ts';

runService('report-sync', async (lifecycle) => {
  const env = loadEnv(ReportSyncEnv);
  const logger = createLogger({ service: 'report-sync', level: env.LOG_LEVEL });
  const tenants = loadTenants(env.TENANTS_FILE);
  await startReportSync({ env, tenants, logger, onStop: (name, stop) => lifecycle.onStop(name, stop) });
});
