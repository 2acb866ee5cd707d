import { setTimeout as sleep } from 'node:timers/promises';
import type { Drill, FaultContext } from '../drill.ts';
import { postEntrataWebhook } from '../infrastructure.ts';

/**
 * The broker stopped for a while and started again. Ingest must keep accepting webhooks (stored with their
 * events in its outbox) and publish them once the broker is back. Runs on a broker of its own.
 */
export function kafkaOutage({ downMs = 20_000 } = {}): Drill {
  return {
    name: 'kafka-outage',
    description: `the Kafka broker stopped for ${downMs / 1000} s, then started again`,
    ownKafka: true,
    async inject(context) {
      const { kafka, fault } = context;
      if (!kafka) throw new Error('the Kafka drill needs a broker of its own');
      await kafka.stop();
      const from = Date.now();
      fault(`Kafka broker stopped ${downMs / 1000} s`);
      // An application whose webhook we post ourselves, to read ingest's answer while the broker is down.
      await sleep(2000);
      await probeAccepted(context);
      await sleep(Math.max(0, from + downMs - Date.now()));
      await kafka.start();
      await checkSandboxWebhooksAccepted(context, from, Date.now());
    },
  };
}

async function probeAccepted({ stack, tenantId, org, check, submit }: FaultContext): Promise<void> {
  const app = await submit('none');
  const answer = await postEntrataWebhook(
    stack.urls.ingest,
    tenantId,
    stack.secrets.DEMO_PM_WEBHOOK_SECRET ?? '',
    {
      org,
      propertyId: app.propertyId,
      applicationId: app.applicationId,
    },
  );
  check(
    'ingest accepts a webhook while Kafka is down',
    answer.status === 202,
    `HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
  );
}

/** Every webhook the sandbox delivered during the outage was acknowledged on its first attempt. */
async function checkSandboxWebhooksAccepted(
  { sandbox, check }: FaultContext,
  from: number,
  to: number,
): Promise<void> {
  const attempts = (await sandbox.deliveries('entrata')).flatMap((d) =>
    d.attempts.filter((a) => Date.parse(a.at) >= from && Date.parse(a.at) <= to),
  );
  const refused = attempts.filter((a) => a.status === undefined || a.status >= 300);
  check(
    'every Entrata webhook during the outage got 2xx',
    attempts.length > 0 && refused.length === 0,
    `${attempts.length} attempts, ${refused.length} not 2xx${refused[0] ? ` (e.g. ${refused[0].status ?? refused[0].error})` : ''}`,
  );
}
