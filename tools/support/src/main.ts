import { loadEnv } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { runService } from '@autoverify/service-kit';
import { envSchema } from './config.ts';
import { startSupport } from './service.ts';

runService('support', async (lifecycle) => {
  const env = loadEnv(envSchema);
  const logger = createLogger({ service: 'support', level: env.LOG_LEVEL });
  await startSupport({ env, logger, onStop: (name, stop) => lifecycle.onStop(name, stop) });
});
