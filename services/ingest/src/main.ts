import { loadEnv, loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { runService } from '@autoverify/service-kit';
import { IngestEnv } from './config.ts';
import { startIngest } from './service.ts';

runService('ingest', async (lifecycle) => {
  const env = loadEnv(IngestEnv);
  const logger = createLogger({ service: 'ingest', level: env.LOG_LEVEL });
  const tenants = loadTenants(env.TENANTS_FILE);
  await startIngest({ env, tenants, logger, onStop: (name, stop) => lifecycle.onStop(name, stop) });
});
