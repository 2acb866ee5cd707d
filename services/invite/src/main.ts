import { loadEnv, loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { runService } from '@autoverify/service-kit';
import { InviteEnv } from './config.ts';
import { startInvite } from './service.ts';

runService('invite', async (lifecycle) => {
  const env = loadEnv(InviteEnv);
  const logger = createLogger({ service: 'invite', level: env.LOG_LEVEL });
  const tenants = loadTenants(env.TENANTS_FILE);
  await startInvite({ env, tenants, logger, onStop: (name, stop) => lifecycle.onStop(name, stop) });
});
