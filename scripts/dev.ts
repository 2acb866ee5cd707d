// `make dev`: the whole system on this machine, with the sandbox playing Entrata, the verification
// platform, email and SMS. Ctrl-C stops everything it started.
import type { TenantsFile } from '../packages/contracts/src/index.ts';
import { daytimeZone, startStack } from '../tools/stack/src/index.ts';

/**
 * Sandbox-only convenience for `make demo`: the "Demo Fast Track" property (100003) gets a time zone in
 * which it is daytime right now, so its fast reminders are never deferred by quiet hours whenever someone
 * runs the demo, and the reconciliation poll runs every minute. Real customers keep their real settings.
 * The zone is picked at start-up with local time near the middle of the allowed 08:00-21:00 window, so it
 * stays daytime there for about six hours of `make dev`.
 */
const DEMO_PROPERTY = '100003';
function demoFriendly(file: TenantsFile): TenantsFile {
  return {
    tenants: file.tenants.map((tenant) => {
      const demo = tenant.properties[DEMO_PROPERTY];
      if (!demo) return tenant;
      return {
        ...tenant,
        reconciliation: { ...tenant.reconciliation, intervalMinutes: 1 },
        properties: {
          ...tenant.properties,
          [DEMO_PROPERTY]: { ...demo, timeZone: daytimeZone(new Date(), { fromHour: 8, toHour: 21 }) },
        },
      };
    }),
  };
}

// fresh: the sandbox keeps nothing between runs (its Entrata ids start again at 2000001), so the services'
// databases and topics must not either, or a new application would meet an old one's state.
const stack = await startStack({ tenants: demoFriendly, fresh: true });
const { urls } = stack;
console.log(`
autoverify is running.
  Entrata webhook (ingest)   ${urls.ingest}/webhooks/entrata/demo-pm
  Platform webhook (ingest)  ${urls.ingest}/webhooks/verification-platform
  Service health             ${Object.entries(urls)
    .filter(([name]) => !['sandbox', 'smtpPort', 'support'].includes(name))
    .map(([name, url]) => `${name} ${url}/health/ready`)
    .join('\n                             ')}
  Support console            ${urls.support}/  (in a browser, or pnpm support timeline <application id>; token SUPPORT_DEV_TOKEN in config/sandbox.env)
  Sandbox API docs           ${urls.sandbox}/docs
  Sandbox SMTP               127.0.0.1:${urls.smtpPort}
  Kafka                      ${stack.brokers} (topics "${stack.namespace}.*")

Run the scripted walk-through in another terminal:  make demo
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping...');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
