import { randomUUID } from 'node:crypto';
import { ApplicantErasureRequested } from '@autoverify/contracts';
import { buildEvent, publishEvent } from '@autoverify/messaging';
import { retentionJob } from '@autoverify/service-kit';
import { findStoredValues, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TENANT } from './helpers.ts';
import { type MappedApplicant, mappedApplication } from './journey.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const wait = { timeoutMs: 30_000, intervalMs: 250 };

/** A person with values found nowhere else in the database. */
function person() {
  const tag = randomUUID().slice(0, 8);
  const phone = `303555${String(1000 + Math.floor(Math.random() * 8999))}`;
  return {
    input: {
      firstName: `Ann${tag}`,
      lastName: `Lee${tag}`,
      email: `ann.${tag}@example.com`,
      phones: { cell: phone },
    },
    values: [`Ann${tag}`, `Lee${tag}`, `ann.${tag}@example.com`, `+1${phone}`],
  };
}

/** An application of two applicants, synced, published (outbox relayed) and mapped to a verification group. */
async function syncedApplication() {
  const [primary, co] = [person(), person()];
  const app = await mappedApplication(h, [
    { ...primary.input, customerType: 'Primary' },
    { ...co.input, customerType: 'Guarantor', relationshipName: 'Parent' },
  ]);
  expect(app.applicants).toHaveLength(2);
  const [erased, kept] = app.applicants as [MappedApplicant, MappedApplicant];
  return {
    applicationId: app.applicationId,
    group: app.group,
    erased: { ...erased, values: primary.values },
    kept: { ...kept, values: co.values },
  };
}

describe('ingest: erasure of one applicant and retention', () => {
  it("removes the applicant from the snapshot and the verification mapping; the co-applicant's data stays", async () => {
    const app = await syncedApplication();
    expect(app.erased.email).toBe(app.erased.values[2]);
    const requestId = randomUUID();
    const request = {
      requestId,
      applicationId: app.applicationId,
      applicantId: app.erased.applicantId,
      requestedBy: 'support:test',
      reason: 'DSR-test',
    };
    const meta = { tenantId: TENANT, correlationId: app.applicationId };
    await publishEvent(h.admin, buildEvent(ApplicantErasureRequested, request, meta));
    const [confirmed] = await waitFor(
      async () => {
        const found = (await h.events('erasures', 'ApplicantErased')).filter(
          (e) => e.payload.requestId === requestId,
        );
        return found.length > 0 ? found : undefined;
      },
      { ...wait, message: 'ApplicantErased' },
    );
    expect(confirmed?.payload).toMatchObject({
      service: 'ingest',
      applicantId: app.erased.applicantId,
      erased: { applications: 1, verification_applicants: 1, verifications: 1 },
    });
    expect(await findStoredValues(h.db.url, app.erased.values)).toEqual([]);
    expect(await findStoredValues(h.db.url, app.kept.values)).not.toEqual([]);

    // A repeated request erases nothing and says so; the last applicant leaves no snapshot at all.
    const again = { ...request, requestId: randomUUID() };
    await publishEvent(h.admin, buildEvent(ApplicantErasureRequested, again, meta));
    const last = { ...request, requestId: randomUUID(), applicantId: app.kept.applicantId };
    await publishEvent(h.admin, buildEvent(ApplicantErasureRequested, last, meta));
    const answers = await waitFor(
      async () => {
        const found = (await h.events('erasures', 'ApplicantErased')).filter((e) =>
          [again.requestId, last.requestId].includes(e.payload.requestId),
        );
        return found.length === 2 ? found : undefined;
      },
      { ...wait, message: 'two more ApplicantErased' },
    );
    const byRequest = new Map(answers.map((e) => [e.payload.requestId, e.payload.erased]));
    expect(byRequest.get(again.requestId)).toMatchObject({ applications: 0, verification_applicants: 0 });
    expect(byRequest.get(last.requestId)).toMatchObject({ applications: 1, verification_applicants: 1 });
    const row = await h.prisma.application.findUnique({ where: { applicationId: app.applicationId } });
    expect(row?.snapshot).toBeNull();
    expect(await findStoredValues(h.db.url, app.kept.values)).toEqual([]);
  });

  it('the retention run clears old snapshots and deletes old webhooks and mappings; recent ones stay', async () => {
    const old = await syncedApplication();
    const recent = await syncedApplication();
    const longAgo = new Date(Date.now() - 91 * 24 * 3_600_000);
    const entrataApplicationId = (
      await h.prisma.application.findUniqueOrThrow({ where: { applicationId: old.applicationId } })
    ).entrataApplicationId;
    // SQL in the test: @updatedAt would otherwise stamp the rows with now.
    await h.prisma
      .$executeRaw`UPDATE applications SET updated_at = ${longAgo} WHERE application_id = ${old.applicationId}::uuid`;
    await h.prisma
      .$executeRaw`UPDATE verification_groups SET updated_at = ${longAgo} WHERE applicant_group_id = ${old.group}`;
    await h.prisma.entrataWebhook.updateMany({
      where: { tenantId: TENANT, entrataApplicationId },
      data: { receivedAt: longAgo },
    });
    await h.jobs.send(retentionJob, {});
    await waitFor(
      async () => (await h.prisma.verificationGroup.count({ where: { applicantGroupId: old.group } })) === 0,
      { ...wait, message: 'old mapping purged' },
    );
    // The published ApplicationSubmitted in the outbox goes with the relay's own retention (7 days), not this run.
    const left = await findStoredValues(h.db.url, [...old.erased.values, ...old.kept.values]);
    expect(left.filter((table) => !table.startsWith('outbox:'))).toEqual([]);
    expect(await h.prisma.entrataWebhook.count({ where: { tenantId: TENANT, entrataApplicationId } })).toBe(
      0,
    );
    const kept = await h.prisma.application.findUnique({ where: { applicationId: recent.applicationId } });
    expect(kept?.snapshot).not.toBeNull();
    expect(await h.prisma.verificationGroup.count({ where: { applicantGroupId: recent.group } })).toBe(1);
    expect(await findStoredValues(h.db.url, recent.erased.values)).not.toEqual([]);
  });
});
