/**
 * ingest as deployed: a web process (SERVICE_ROLE=web) takes the webhooks, a worker process
 * (SERVICE_ROLE=worker) on the same database syncs them. The worker's queuer hears of each stored webhook by
 * the insert's NOTIFY, not its 5 s safety poll.
 */
import { applicationIdFor } from '@autoverify/contracts';
import { waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, submitApplication, TENANT } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ split: true });
}, 120_000);
afterAll(async () => {
  await h?.stop();
}, 60_000);

/** Well under the queuer's safety poll (5 s): only the NOTIFY explains a take this soon, three times over. */
const PROMPT_MS = 1500;

describe('web and worker processes', () => {
  it('a webhook stored by the web process is synced by the worker at once', async () => {
    for (let i = 0; i < 3; i++) {
      const app = await submitApplication(h);
      const entrataApplicationId = String(app.applicationId);
      const applicationId = applicationIdFor(TENANT, entrataApplicationId);
      await waitFor(
        async () =>
          (await h.events('applications', 'ApplicationSubmitted', applicationId)).length > 0 || undefined,
        { timeoutMs: 30_000, intervalMs: 100, message: `ApplicationSubmitted ${i + 1}` },
      );
      // From the row's insert to its sync job, both on the database's clock.
      const [row] = await h.prisma.$queryRaw<{ delayMs: number }[]>`
        SELECT (extract(epoch FROM j.created_on - w.received_at) * 1000)::float8 AS "delayMs"
          FROM entrata_webhooks w
          JOIN pgboss.job j ON j.name = 'sync-application' AND j.data->>'entrataApplicationId' = w.entrata_application_id
         WHERE w.tenant_id = ${TENANT} AND w.entrata_application_id = ${entrataApplicationId}`;
      expect(row?.delayMs).toBeLessThan(PROMPT_MS);
    }
  });

  it('the web process answers the routes; the worker only health, readiness and metrics', async () => {
    expect((await fetch(`${h.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${h.workerUrl}/health/ready`)).status).toBe(200);
    expect((await fetch(`${h.workerUrl}/metrics`)).status).toBe(200);
    const post = (base: string | undefined) =>
      fetch(`${base}/webhooks/entrata/${TENANT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await post(h.workerUrl)).status).toBe(404);
    expect((await post(h.url)).status).toBe(401);
  });
});
