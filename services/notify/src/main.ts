import { loadEnv, loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { runService } from '@autoverify/service-kit';
import { NotifyEnv } from './config.ts';
import { startNotify } from './service.ts';

runService('notify', async (lifecycle) => {
  const env = loadEnv(NotifyEnv);
  const logger = createLogger({ service: 'notify', level: env.LOG_LEVEL });
  const tenants = loadTenants(env.TENANTS_FILE);
  await startNotify({ env, tenants, logger, onStop: (name, stop) => lifecycle.onStop(name, stop) });
});
