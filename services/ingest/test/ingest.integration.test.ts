import { createHmac, randomUUID } from 'node:crypto';
import { applicationIdFor, VerificationRequested } from '@autoverify/contracts';
import { buildEvent, publishEvent } from '@autoverify/messaging';
import { signEntrataWebhook } from '@autoverify/sandbox';
import { waitFor } from '@autoverify/testing';
import { documented } from '@autoverify/verification-client/documented';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDuePoll } from '../src/store/reconciliation.ts';
import {
  ACME_RENT_CENTS,
  control,
  type Harness,
  ORG,
  PLATFORM_SECRET,
  PROPERTY,
  startHarness,
  submitApplication,
  TENANT,
  WEBHOOK_SECRET,
} from './helpers.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
}, 60_000);

const wait = { timeoutMs: 30_000, intervalMs: 250 };

async function postEntrata(body: string, headers: Record<string, string>, tenant = TENANT) {
  const res = await fetch(`${h.url}/webhooks/entrata/${tenant}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    json: (await res.json().catch(() => undefined)) as any,
    headers: res.headers,
  };
}

function signedHeaders(body: string, secret = WEBHOOK_SECRET, t = Math.floor(Date.now() / 1000)) {
  return { 'x-entrata-signature': signEntrataWebhook(secret, body, t) };
}

describe('Entrata webhook -> ApplicationSubmitted', () => {
  it('reads the application from Entrata and publishes applicants, guarantor and excluded occupant', async () => {
    const app = await submitApplication(h);
    const applicationId = applicationIdFor(TENANT, String(app.applicationId));
    const [event] = await waitFor(
      async () => {
        const found = await h.events('applications', 'ApplicationSubmitted', applicationId);
        return found.length > 0 ? found : undefined;
      },
      { ...wait, message: 'ApplicationSubmitted' },
    );
    expect(event?.tenantId).toBe(TENANT);
    expect(event?.version).toBe(3);
    const payload = event?.payload;
    expect(payload).toMatchObject({
      applicationId,
      entrataApplicationId: String(app.applicationId),
      propertyId: String(PROPERTY),
      source: 'webhook',
      // Entrata's rent is not read yet: the property's setting.
      monthlyRentCents: ACME_RENT_CENTS,
      rentSource: 'property_setting',
    });
    expect(payload.applicants).toEqual([
      expect.objectContaining({
        role: 'primary',
        firstName: 'Ann',
        email: 'Ann@example.com',
        mobilePhone: '+13035550100',
        contactIssues: [],
      }),
      expect.objectContaining({
        role: 'guarantor',
        firstName: 'Bo',
        contactIssues: [
          { field: 'email', problem: 'missing' },
          { field: 'phone', problem: 'missing' },
        ],
      }),
    ]);
    expect(payload.excluded).toEqual([expect.objectContaining({ role: 'occupant' })]);
    const row = await h.prisma.application.findUnique({ where: { applicationId } });
    expect(row).toMatchObject({ status: 'synced', publishCount: 1, lastSource: 'webhook' });
  });

  it('publishes once for duplicate deliveries and an unchanged re-submission', async () => {
    const app = await submitApplication(h, 'duplicate');
    const applicationId = applicationIdFor(TENANT, String(app.applicationId));
    await waitFor(
      async () => (await h.prisma.application.findUnique({ where: { applicationId } }))?.status === 'synced',
      wait,
    );
    const webhooks = await h.prisma.entrataWebhook.findMany({
      where: { entrataApplicationId: String(app.applicationId) },
    });
    expect(webhooks).toHaveLength(1);
    // A new event id for the same, unchanged application: read again, nothing published.
    const body = JSON.stringify({
      event: 'application.submitted',
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      propertyId: PROPERTY,
      applicationId: app.applicationId,
    });
    expect((await postEntrata(body, signedHeaders(body))).status).toBe(202);
    expect((await postEntrata(body, signedHeaders(body))).json).toEqual({ status: 'duplicate' });
    await waitFor(
      async () =>
        (await h.prisma.entrataWebhook.count({
          where: { entrataApplicationId: String(app.applicationId), status: 'processed' },
        })) === 2,
      wait,
    );
    expect(await h.events('applications', 'ApplicationSubmitted', applicationId)).toHaveLength(1);
  });

  it('publishes again when a contact changed in Entrata', async () => {
    const app = await submitApplication(h);
    const applicationId = applicationIdFor(TENANT, String(app.applicationId));
    await waitFor(
      async () => (await h.prisma.application.findUnique({ where: { applicationId } }))?.publishCount === 1,
      wait,
    );
    const guarantor = app.customers.find((c: { customerType: string }) => c.customerType === 'Guarantor');
    await control(
      h.sandbox,
      'PATCH',
      `/entrata/orgs/${ORG}/applications/${app.applicationId}/applicants/${guarantor.customerId}`,
      { email: 'bo@example.com' },
    );
    await control(h.sandbox, 'POST', `/entrata/orgs/${ORG}/applications/${app.applicationId}/webhook`, {
      mode: 'deliver',
    });
    const events = await waitFor(async () => {
      const found = await h.events('applications', 'ApplicationSubmitted', applicationId);
      return found.length === 2 ? found : undefined;
    }, wait);
    expect(events[1]?.payload.applicants[1]).toMatchObject({
      role: 'guarantor',
      email: 'bo@example.com',
      contactIssues: [{ field: 'phone', problem: 'missing' }],
    });
  });

  it('answers 4xx problems and stores nothing for bad signatures, bodies and tenants', async () => {
    const eventId = `bad-${randomUUID()}`;
    const body = JSON.stringify({
      event: 'application.submitted',
      eventId,
      occurredAt: new Date().toISOString(),
      propertyId: PROPERTY,
      applicationId: 1,
    });
    const wrong = await postEntrata(body, signedHeaders(body, 'not-the-secret'));
    expect(wrong.status).toBe(401);
    expect(wrong.contentType).toContain('application/problem+json');
    expect((await postEntrata(body, {})).status).toBe(401);
    const expired = await postEntrata(
      body,
      signedHeaders(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3600),
    );
    expect(expired.status).toBe(401);
    // An unknown tenant is answered exactly like a known one with a bad signature: no tenant enumeration.
    const unknown = await postEntrata(body, signedHeaders(body), 'nobody');
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual(wrong.json);
    expect(unknown.json).toEqual(expired.json);
    expect(unknown.headers.get('www-authenticate')).toBe(wrong.headers.get('www-authenticate'));

    const invalid = JSON.stringify({
      event: 'application.submitted',
      eventId,
      occurredAt: 'yesterday',
      propertyId: PROPERTY,
    });
    const rejected = await postEntrata(invalid, signedHeaders(invalid));
    expect(rejected.status).toBe(422);
    expect(rejected.json.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.occurredAt']),
    );
    expect(JSON.stringify(rejected.json.errors)).toContain('applicationId');
    expect((await postEntrata('{"oops', signedHeaders('{"oops'))).status).toBe(400);

    const text = await fetch(`${h.url}/webhooks/entrata/${TENANT}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...signedHeaders(body) },
      body,
    });
    expect(text.status).toBe(415);
    const huge = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
    expect((await postEntrata(huge, signedHeaders(huge))).status).toBe(413);

    expect(await h.prisma.entrataWebhook.count({ where: { eventId } })).toBe(0);
  });

  it('stores and acknowledges unknown events without processing them', async () => {
    const body = JSON.stringify({
      event: 'lease.signed',
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      propertyId: PROPERTY,
      applicationId: 424242,
    });
    const res = await postEntrata(body, signedHeaders(body, 'retired-soon'));
    expect(res.status).toBe(202);
    const row = await h.prisma.entrataWebhook.findUnique({ where: { id: res.json.id } });
    expect(row?.status).toBe('ignored');
    expect(await h.prisma.application.count({ where: { entrataApplicationId: '424242' } })).toBe(0);
  });

  it('records a visible failure for an application Entrata does not know', async () => {
    const body = JSON.stringify({
      event: 'application.submitted',
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      propertyId: PROPERTY,
      applicationId: 9999999,
    });
    expect((await postEntrata(body, signedHeaders(body))).status).toBe(202);
    const row = await waitFor(async () => {
      const r = await h.prisma.application.findFirst({ where: { entrataApplicationId: '9999999' } });
      return r?.status === 'failed' ? r : undefined;
    }, wait);
    expect(row.failureReason).toMatch(/not found/);
    // ...and on the application's timeline, with what to do about it.
    const [event] = await waitFor(async () => {
      const found = await h.events('applications', 'ApplicationReadFailed', row.applicationId);
      return found.length > 0 ? found : undefined;
    }, wait);
    expect(event?.payload).toEqual({
      applicationId: row.applicationId,
      entrataApplicationId: '9999999',
      propertyId: String(PROPERTY),
      source: 'webhook',
      reasonCode: 'application_not_found',
      detail: `application 9999999 not found by getLeads in property ${PROPERTY}`,
      action: expect.stringContaining(`pnpm support tenant check ${TENANT}`),
      attempts: 1,
    });
  });
});

describe('reconciliation', () => {
  it('syncs a stored webhook whose sync was never queued (its process died after the 202)', async () => {
    const app = await submitApplication(h, 'none');
    const applicationId = applicationIdFor(TENANT, String(app.applicationId));
    const eventId = randomUUID();
    const body = JSON.stringify({
      event: 'application.submitted',
      eventId,
      occurredAt: new Date().toISOString(),
      propertyId: PROPERTY,
      applicationId: app.applicationId,
    });
    // What the route stores, left pending with nobody woken: only the queuer's own poll can find it.
    const row = await h.prisma.entrataWebhook.create({
      data: {
        tenantId: TENANT,
        eventId,
        event: 'application.submitted',
        entrataApplicationId: String(app.applicationId),
        propertyId: String(PROPERTY),
        rawBody: new Uint8Array(Buffer.from(body)),
        headers: {},
        status: 'accepted',
        syncPending: true,
      },
    });
    const [event] = await waitFor(
      async () => {
        const found = await h.events('applications', 'ApplicationSubmitted', applicationId);
        return found.length > 0 ? found : undefined;
      },
      { ...wait, message: 'ApplicationSubmitted from the stored webhook' },
    );
    expect(event?.payload.source).toBe('webhook');
    await waitFor(
      async () =>
        (await h.prisma.entrataWebhook.findUnique({ where: { id: row.id } }))?.status === 'processed',
      wait,
    );
    expect(await h.prisma.entrataWebhook.findUnique({ where: { id: row.id } })).toMatchObject({
      syncPending: false,
    });
  });

  it('claims a due poll once and says when the next falls due (what the scheduler sleeps until)', async () => {
    const tenantId = `clock-${randomUUID()}`;
    const claim = () => h.ctxDb.transaction((tx) => claimDuePoll(tx.sql, tenantId, 60_000));
    const first = await claim();
    expect(first.claimed).toBe(true);
    expect(first.nextDueInMs).toBeGreaterThan(59_000);
    // The column keeps milliseconds: the stored due time may be rounded up by half of one.
    expect(first.nextDueInMs).toBeLessThanOrEqual(60_001);
    const second = await claim();
    expect(second.claimed).toBe(false);
    expect(second.nextDueInMs).toBeGreaterThan(0);
    expect(second.nextDueInMs).toBeLessThanOrEqual(first.nextDueInMs);
  });

  it('finds an application whose webhook was lost, reading every page of getLeads', async () => {
    // Three more applications than fit on the test's page of two: the lost one is on the last page.
    for (let i = 0; i < 3; i++) await submitApplication(h, 'none');
    const app = await submitApplication(h, 'drop');
    const applicationId = applicationIdFor(TENANT, String(app.applicationId));
    await h.prisma.reconciliationState.update({
      where: { tenantId: TENANT },
      data: { nextRunAt: new Date() },
    });
    const [event] = await waitFor(
      async () => {
        const found = await h.events('applications', 'ApplicationSubmitted', applicationId);
        return found.length > 0 ? found : undefined;
      },
      { ...wait, message: 'ApplicationSubmitted from reconciliation' },
    );
    expect(event?.payload.source).toBe('reconciliation');
    expect(
      await h.prisma.entrataWebhook.count({ where: { entrataApplicationId: String(app.applicationId) } }),
    ).toBe(0);
  });
});

describe('verification platform webhooks', () => {
  const postPlatform = async (body: string, secret = PLATFORM_SECRET, contentType?: string) =>
    fetch(`${h.url}/webhooks/verification-platform`, {
      method: 'POST',
      headers: {
        ...(contentType ? { 'content-type': contentType } : {}),
        'verification-signature': createHmac('sha256', secret).update(body).digest('hex'),
      },
      body,
    });
  const mapping = (input: {
    applicationId: string;
    entrataApplicationId: string;
    group: string;
    applicants: { platformApplicantId: string; entrataCustomerId: string; verificationId?: string }[];
  }) =>
    buildEvent(
      VerificationRequested,
      {
        applicationId: input.applicationId,
        entrataApplicationId: input.entrataApplicationId,
        propertyId: String(PROPERTY),
        applicantGroupId: input.group,
        applicants: input.applicants.map((a) => ({
          applicantId: randomUUID(),
          entrataCustomerId: a.entrataCustomerId,
          platformApplicantId: a.platformApplicantId,
          verifications: a.verificationId
            ? [{ kind: 'income' as const, verificationId: a.verificationId }]
            : [],
        })),
      },
      { tenantId: TENANT, correlationId: input.applicationId },
    );

  it('rejects a bad signature', async () => {
    const res = await postPlatform(JSON.stringify(documented.webhooks.started.body), 'wrong-secret');
    expect(res.status).toBe(401);
  });

  it('accepts the documented flat bodies whatever the Content-Type, and processes them once mapped', async () => {
    const applicationId = applicationIdFor(TENANT, '777001');
    const report = documented.webhooks.reportReady.body as Record<string, string>;
    const completed = documented.webhooks.completed.body as Record<string, string>;
    const bodies = Object.values(documented.webhooks).map((w) => JSON.stringify(w.body));
    // The webhooks beat the mapping: they wait (job retries) instead of failing.
    for (const [i, body] of bodies.entries())
      expect(
        (await postPlatform(body, PLATFORM_SECRET, [undefined, 'text/plain', 'application/json'][i])).status,
      ).toBe(202);
    // The same bytes again (a retry, or a reopened verification completing again): a duplicate.
    for (const body of bodies) expect((await postPlatform(body)).status).toBe(200);

    const requested = mapping({
      applicationId,
      entrataApplicationId: '777001',
      group: report.applicant_group_id as string,
      applicants: [
        { platformApplicantId: 'apl-a1', entrataCustomerId: '501' },
        {
          platformApplicantId: 'apl-a2',
          entrataCustomerId: '502',
          verificationId: completed.verification_id as string,
        },
      ],
    });
    await publishEvent(h.admin, requested);

    // The documented example repeats the group id as applicant_id on an income report: still the household's.
    const [ready] = await waitFor(
      async () => {
        const found = await h.events('verification-platform-events', 'ReportCompleted', applicationId);
        return found.length > 0 ? found : undefined;
      },
      { ...wait, timeoutMs: 60_000, message: 'ReportCompleted' },
    );
    expect(ready?.payload).toMatchObject({
      applicantGroupId: report.applicant_group_id,
      reportId: report.report_id,
      reportType: 'income',
      scope: 'household',
      entrataApplicationId: '777001',
      entrataCustomerIds: ['501', '502'],
    });
    const [verified] = await waitFor(
      async () => {
        const found = await h.events('verification-platform-events', 'VerificationCompleted', applicationId);
        return found.length > 0 ? found : undefined;
      },
      { ...wait, timeoutMs: 60_000 },
    );
    expect(verified?.payload).toMatchObject({
      kind: 'income',
      verificationId: completed.verification_id,
      reasonCompleted: 'finished',
      applicantId: requested.payload.applicants[1]?.applicantId,
    });
    await waitFor(
      async () => (await h.prisma.platformWebhook.count({ where: { status: 'processed' } })) >= 3,
      wait,
    );
    expect(await h.events('verification-platform-events', 'ReportCompleted', applicationId)).toHaveLength(1);
    expect(
      await h.events('verification-platform-events', 'VerificationCompleted', applicationId),
    ).toHaveLength(1);
  });

  it('stores the mapping of a VerificationRequested, and a repeat overwrites it', async () => {
    const applicationId = applicationIdFor(TENANT, '777003');
    const group = `grp_${randomUUID()}`;
    const first = mapping({
      applicationId,
      entrataApplicationId: '777003',
      group,
      applicants: [
        { platformApplicantId: `${group}-a1`, entrataCustomerId: '501', verificationId: `${group}-v1` },
        { platformApplicantId: `${group}-a2`, entrataCustomerId: '502' },
      ],
    });
    await publishEvent(h.admin, first);
    const stored = () =>
      Promise.all([
        h.prisma.verificationGroup.findUnique({ where: { applicantGroupId: group } }),
        h.prisma.verificationApplicant.findMany({
          where: { applicantGroupId: group },
          orderBy: { platformApplicantId: 'asc' },
        }),
        h.prisma.verification.findMany({
          where: { applicantGroupId: group },
          orderBy: { verificationId: 'asc' },
        }),
      ]);
    await waitFor(async () => ((await stored())[1].length === 2 ? true : undefined), wait);
    const [a1, a2] = first.payload.applicants;
    expect(await stored()).toMatchObject([
      { tenantId: TENANT, applicationId, entrataApplicationId: '777003', propertyId: String(PROPERTY) },
      [
        { platformApplicantId: `${group}-a1`, applicantId: a1?.applicantId, entrataCustomerId: '501' },
        { platformApplicantId: `${group}-a2`, applicantId: a2?.applicantId, entrataCustomerId: '502' },
      ],
      [{ verificationId: `${group}-v1`, kind: 'income', platformApplicantId: `${group}-a1` }],
    ]);

    // The update: a2's Entrata customer changed and it got an identity verification; v1 is listed twice.
    if (!a1 || !a2) throw new Error('two applicants expected');
    const repeat = buildEvent(
      VerificationRequested,
      {
        ...first.payload,
        applicants: [
          { ...a1, verifications: [{ kind: 'income', verificationId: `${group}-v1` }] },
          {
            ...a2,
            entrataCustomerId: '503',
            verifications: [
              { kind: 'identity', verificationId: `${group}-v2` },
              { kind: 'income', verificationId: `${group}-v1` },
            ],
          },
        ],
      },
      { tenantId: TENANT, correlationId: applicationId },
    );
    await publishEvent(h.admin, repeat);
    await waitFor(async () => ((await stored())[2].length === 2 ? true : undefined), wait);
    const [, applicants, verifications] = await stored();
    expect(applicants.map((a) => a.entrataCustomerId)).toEqual(['501', '503']);
    // The last entry of a repeated id wins, as it did with one upsert after another.
    expect(verifications).toMatchObject([
      { verificationId: `${group}-v1`, kind: 'income', platformApplicantId: `${group}-a2` },
      { verificationId: `${group}-v2`, kind: 'identity', platformApplicantId: `${group}-a2` },
    ]);
  });

  it('publishes one ReportCompleted per report however often it is announced with different bytes', async () => {
    const applicationId = applicationIdFor(TENANT, '777002');
    const group = `grp_${randomUUID()}`;
    await publishEvent(
      h.admin,
      mapping({
        applicationId,
        entrataApplicationId: '777002',
        group,
        applicants: [{ platformApplicantId: `${group}-a1`, entrataCustomerId: '501' }],
      }),
    );
    const announce = (extra: Record<string, string>) =>
      JSON.stringify({
        code: 'REPORT_READY',
        applicant_group_id: group,
        report_id: `rep_${group}`,
        report_type: 'income',
        ...extra,
      });
    expect((await postPlatform(announce({}))).status).toBe(202);
    expect((await postPlatform(announce({ applicant_id: group }))).status).toBe(202);
    await waitFor(
      async () =>
        (await h.prisma.platformWebhook.findMany({ where: { status: 'processed' } })).filter(
          (row) => JSON.parse(Buffer.from(row.rawBody).toString('utf8')).applicant_group_id === group,
        ).length === 2,
      { ...wait, timeoutMs: 60_000 },
    );
    expect(await h.events('verification-platform-events', 'ReportCompleted', applicationId)).toHaveLength(1);
  });

  it("puts a webhook of a known application that never maps into the application's timeline", async () => {
    const applicationId = applicationIdFor(TENANT, '777003');
    const group = `grp_${randomUUID()}`;
    await publishEvent(
      h.admin,
      mapping({
        applicationId,
        entrataApplicationId: '777003',
        group,
        applicants: [{ platformApplicantId: `${group}-a1`, entrataCustomerId: '501' }],
      }),
    );
    const body = JSON.stringify({
      code: 'REPORT_READY',
      applicant_group_id: group,
      applicant_id: `${group}-stranger`,
      report_id: `rep_${group}`,
      report_type: 'identity',
    });
    const res = await postPlatform(body);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // PLATFORM_MAPPING_RETRIES is 4 in the harness: about 30 s of retries, then the final outcome.
    const [unmapped] = await waitFor(
      async () => {
        const found = await h.events(
          'verification-platform-events',
          'PlatformWebhookUnmapped',
          applicationId,
        );
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, message: 'PlatformWebhookUnmapped' },
    );
    expect(unmapped?.payload).toEqual({
      applicationId,
      applicantGroupId: group,
      code: 'REPORT_READY',
      webhookKey: id,
      reason: `applicant ${group}-stranger is not known in applicant group ${group}`,
      attempts: 5,
      reportId: `rep_${group}`,
      reportType: 'identity',
    });
    expect(await h.prisma.platformWebhook.findUnique({ where: { dedupeKey: id } })).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/^mapping never arrived: applicant .* is not known/),
    });
    expect(await h.events('verification-platform-events', 'ReportCompleted', applicationId)).toEqual([]);
  });
});
