/**
 * The webhook sync queuer against a real ingest: webhooks of one application wait for its queued sync (one
 * Entrata read answers them all), a webhook arriving while a sync reads queues another, and the queuer takes
 * many webhooks per transaction. Beta's Entrata (a proxy that can hold every request) keeps syncs where a
 * test wants them: two held reads fill beta's share of the workers, so a third sync stays queued.
 */
import { randomUUID } from 'node:crypto';
import { applicationIdFor } from '@autoverify/contracts';
import { waitFor } from '@autoverify/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BETA, control, type Harness, startHarness, submitApplication } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterEach(() => h?.betaEntrata.open());
afterAll(async () => {
  await h?.stop();
}, 60_000);

const wait = { timeoutMs: 30_000, intervalMs: 100 };
const beta = { org: BETA.org, propertyId: BETA.property };

const newApplication = async () => String((await submitApplication(h, 'none', beta)).applicationId);
const deliver = (entrataApplicationId: string) =>
  control(h.sandbox, 'POST', `/entrata/orgs/${BETA.org}/applications/${entrataApplicationId}/webhook`, {
    mode: 'deliver',
  });

/** pg-boss's sync jobs of one application. */
const syncJobs = (entrataApplicationId: string) =>
  h.prisma.$queryRaw<{ state: string }[]>`
    SELECT state::text FROM pgboss.job
     WHERE name = 'sync-application' AND data->>'entrataApplicationId' = ${entrataApplicationId}`;

const webhooks = (entrataApplicationId: string) =>
  h.prisma.entrataWebhook.findMany({ where: { tenantId: BETA.tenant, entrataApplicationId } });

async function allTaken(entrataApplicationIds: string[], count: number) {
  await waitFor(
    async () =>
      (await h.prisma.entrataWebhook.count({
        where: {
          tenantId: BETA.tenant,
          entrataApplicationId: { in: entrataApplicationIds },
          syncPending: false,
        },
      })) === count || undefined,
    { ...wait, message: `${count} webhooks taken by the queuer` },
  );
}

async function allAnswered(entrataApplicationId: string) {
  await waitFor(
    async () => {
      const rows = await webhooks(entrataApplicationId);
      const jobs = await syncJobs(entrataApplicationId);
      return (
        (rows.every((w) => w.status === 'processed') && jobs.every((j) => j.state === 'completed')) ||
        undefined
      );
    },
    { ...wait, message: `every webhook of ${entrataApplicationId} processed, every sync completed` },
  );
}

/** Beta's Entrata holds every request, and two syncs wait in it: beta's other syncs stay queued. */
async function fillBetasWorkers() {
  h.betaEntrata.close();
  const held = [await newApplication(), await newApplication()];
  for (const id of held) await deliver(id);
  await waitFor(async () => h.betaEntrata.held >= 2 || undefined, { ...wait, message: 'two held reads' });
  return held;
}

describe('webhooks of one application', () => {
  it('a burst waits for one queued sync: one Entrata read answers every webhook', async () => {
    const held = await fillBetasWorkers();
    const id = await newApplication();
    const burst = 20;
    await Promise.all(Array.from({ length: burst }, () => deliver(id)));
    await allTaken([id], burst);
    expect(await syncJobs(id)).toEqual([{ state: 'created' }]);

    h.betaEntrata.open();
    for (const app of [...held, id]) await allAnswered(app);
    expect(await syncJobs(id)).toHaveLength(1);
    expect(await webhooks(id)).toHaveLength(burst);
    expect(
      await h.events('applications', 'ApplicationSubmitted', applicationIdFor(BETA.tenant, id)),
    ).toHaveLength(1);
  });

  it('a webhook taken after its sync started reading Entrata queues a second sync', async () => {
    h.betaEntrata.close();
    const id = await newApplication();
    await deliver(id);
    await waitFor(async () => h.betaEntrata.held >= 1 || undefined, {
      ...wait,
      message: 'the first read held',
    });
    // The first sync is reading: it no longer answers a webhook that arrives now.
    await deliver(id);
    await allTaken([id], 2);
    expect(await syncJobs(id)).toHaveLength(2);

    h.betaEntrata.open();
    await allAnswered(id);
    expect(await syncJobs(id)).toHaveLength(2);
    const rows = await webhooks(id);
    expect(rows.map((w) => w.status)).toEqual(['processed', 'processed']);
    const row = await h.prisma.application.findUnique({
      where: { tenantId_entrataApplicationId: { tenantId: BETA.tenant, entrataApplicationId: id } },
    });
    // The second read is the one stored: it started after the second webhook was received.
    const received = Math.max(...rows.map((w) => w.receivedAt.getTime()));
    expect(row?.lastReadAt?.getTime()).toBeGreaterThanOrEqual(received);
    expect(row?.webhookSyncWaiting).toBe(false);
  });
});

describe('reads of one application are spaced (ENTRATA_REREAD_SPACING_MS, 3 s here)', () => {
  const lastReadAt = async (entrataApplicationId: string) =>
    (
      await h.prisma.application.findUnique({
        where: { tenantId_entrataApplicationId: { tenantId: BETA.tenant, entrataApplicationId } },
      })
    )?.lastReadAt?.getTime() ?? Number.NaN;

  it('webhooks soon after a read wait for one sync that starts when the spacing is over', async () => {
    const id = await newApplication();
    await deliver(id);
    await allTaken([id], 1);
    await allAnswered(id);
    const firstRead = await lastReadAt(id);

    await Promise.all(Array.from({ length: 5 }, () => deliver(id)));
    await allTaken([id], 6);
    const jobs = await h.prisma.$queryRaw<{ startAfter: Date }[]>`
      SELECT start_after AS "startAfter" FROM pgboss.job
       WHERE name = 'sync-application' AND data->>'entrataApplicationId' = ${id}
       ORDER BY created_on`;
    expect(jobs).toHaveLength(2);
    // Computed on the database's clock; the job's time is sent from this process's (same machine).
    expect(jobs[1]?.startAfter.getTime()).toBeGreaterThanOrEqual(firstRead + 3000 - 50);

    await allAnswered(id);
    expect(await syncJobs(id)).toHaveLength(2);
    expect(await lastReadAt(id)).toBeGreaterThanOrEqual(firstRead + 3000);
  });
});

describe('the queuer', () => {
  it('takes many webhooks per transaction, and queues one sync per tenant in each', async () => {
    const held = await fillBetasWorkers();
    const ids = [await newApplication(), await newApplication(), await newApplication()];
    const perApplication = 10;
    // Stored as the route stores them, in one statement (all visible at once); the queuer's poll finds them.
    await h.prisma.entrataWebhook.createMany({
      data: ids.flatMap((id) =>
        Array.from({ length: perApplication }, () => {
          const eventId = randomUUID();
          const body = JSON.stringify({
            event: 'application.submitted',
            eventId,
            occurredAt: new Date().toISOString(),
            propertyId: String(BETA.property),
            applicationId: Number(id),
          });
          return {
            tenantId: BETA.tenant,
            eventId,
            event: 'application.submitted',
            entrataApplicationId: id,
            propertyId: String(BETA.property),
            rawBody: new Uint8Array(Buffer.from(body)),
            headers: {},
            status: 'accepted',
            syncPending: true,
          };
        }),
      ),
    });
    await allTaken(ids, ids.length * perApplication);
    // The last writer of each row is the transaction that took it (no sync has started: beta's are full):
    // three transactions for thirty webhooks, one per application, since a tenant gets one sync per transaction.
    const [writers] = await h.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(DISTINCT xmin::text)::int AS n FROM entrata_webhooks
       WHERE tenant_id = ${BETA.tenant} AND entrata_application_id = ANY(${ids}::text[])`;
    expect(writers?.n).toBe(ids.length);
    for (const id of ids) expect(await syncJobs(id)).toEqual([{ state: 'created' }]);

    h.betaEntrata.open();
    for (const app of [...held, ...ids]) await allAnswered(app);
    for (const id of ids) expect(await syncJobs(id)).toHaveLength(1);
  });
});
