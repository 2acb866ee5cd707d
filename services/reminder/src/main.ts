import { loadEnv, loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { runService } from '@autoverify/service-kit';
import { envSchema } from './config.ts';
import { startReminder } from './service.ts';

runService('reminder', async (lifecycle) => {
  const env = loadEnv(envSchema);
  const logger = createLogger({ service: 'reminder', level: env.LOG_LEVEL });
  const tenants = loadTenants(env.TENANTS_FILE);
  await startReminder({ env, tenants, logger, onStop: (name, stop) => lifecycle.onStop(name, stop) });
});
