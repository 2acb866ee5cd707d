import { setTimeout as sleep } from 'node:timers/promises';
import type { Drill, FaultContext } from '../drill.ts';
import { postEntrataWebhook, postgresCluster } from '../infrastructure.ts';

/**
 * PostgreSQL stopped for a few seconds and started again. While it is down, ingest must not acknowledge
 * what it cannot store: 503 with Retry-After. The server is shared by everything on the machine, so the
 * outage is kept short.
 */
export function postgresRestart({ downMs = 4000 } = {}): Drill {
  return {
    name: 'postgres-restart',
    description: `PostgreSQL stopped for ~${downMs / 1000} s, then started again`,
    async inject(context) {
      const cluster = postgresCluster();
      // Submitted (in Entrata) before the outage; its webhook is posted during it.
      const probe = await context.submit('none');
      await cluster.stop();
      const from = Date.now();
      context.fault(`PostgreSQL ${cluster.version} stopped ~${downMs / 1000} s`);
      try {
        await probeRefused(context, probe);
        await sleep(Math.max(0, from + downMs - Date.now()));
      } finally {
        await cluster.start();
      }
      context.log(`PostgreSQL was down ${((Date.now() - from) / 1000).toFixed(1)} s`);
    },
  };
}

async function probeRefused(
  { stack, tenantId, org, check }: FaultContext,
  app: { propertyId: number; applicationId: number },
): Promise<void> {
  const answer = await postEntrataWebhook(
    stack.urls.ingest,
    tenantId,
    stack.secrets.DEMO_PM_WEBHOOK_SECRET ?? '',
    {
      org,
      propertyId: app.propertyId,
      applicationId: app.applicationId,
    },
  ).catch((error: unknown) => ({ status: 0, retryAfter: null, body: (error as Error).message }));
  check(
    'ingest answers 503 with Retry-After while PostgreSQL is down',
    answer.status === 503 && answer.retryAfter !== null,
    `HTTP ${answer.status}, Retry-After ${answer.retryAfter ?? 'missing'}`,
  );
}
