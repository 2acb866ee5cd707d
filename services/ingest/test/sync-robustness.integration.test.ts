/**
 * Bad data from Entrata and a webhook that arrives while its application is being synced, against a real
 * ingest (PostgreSQL, Kafka namespace) and the sandbox's Entrata (faults, and a rewriting proxy for beta).
 */
import { applicationIdFor, MAX_APPLICANTS } from '@autoverify/contracts';
import { waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BETA, control, type Harness, ORG, startHarness, submitApplication, TENANT } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
}, 60_000);

const wait = { timeoutMs: 30_000, intervalMs: 250 };

async function published(applicationId: string, count: number) {
  return waitFor(
    async () => {
      const found = await h.events('applications', 'ApplicationSubmitted', applicationId);
      return found.length >= count ? found : undefined;
    },
    { ...wait, message: `${count} ApplicationSubmitted for ${applicationId}` },
  );
}

/** pg-boss's record of the sync jobs of one application. */
async function syncJobs(entrataApplicationId: string) {
  return h.prisma.$queryRaw<{ state: string; retry_count: number }[]>`
    SELECT state::text, retry_count FROM pgboss.job
     WHERE name = 'sync-application' AND data->>'entrataApplicationId' = ${entrataApplicationId}`;
}

describe('bad data from Entrata', () => {
  it('publishes an applicant without email and with a malformed phone, listing the contact issues', async () => {
    const app = await submitApplication(h, 'deliver', {
      applicants: [
        {
          firstName: 'Di',
          lastName: 'Ng',
          phones: { cell: '555-01', personal: '(123) 456-7890' },
          customerType: 'Primary',
        },
      ],
    });
    const applicationId = applicationIdFor(TENANT, String(app.applicationId));
    const [event] = await published(applicationId, 1);
    expect(event?.payload.applicants).toEqual([
      expect.objectContaining({
        role: 'primary',
        firstName: 'Di',
        contactIssues: [
          { field: 'email', problem: 'missing' },
          { field: 'phone', problem: 'invalid' },
        ],
      }),
    ]);
    expect(event?.payload.applicants[0]).not.toHaveProperty('email');
    expect(event?.payload.applicants[0]).not.toHaveProperty('mobilePhone');
  });

  it('records an error envelope sent with HTTP 200 (non-retryable) as a failure, once, without retrying', async () => {
    const app = await submitApplication(h, 'none');
    const fault = await control(h.sandbox, 'POST', '/faults', {
      target: 'entrata',
      kind: 'entrata_error',
      code: 304,
      message: 'Invalid parameters. applicationId is malformed.',
      status: 200,
      match: 'leads/getLeads',
    });
    try {
      await control(h.sandbox, 'POST', `/entrata/orgs/${ORG}/applications/${app.applicationId}/webhook`, {
        mode: 'deliver',
      });
      const row = await waitFor(async () => {
        const r = await h.prisma.application.findFirst({
          where: { tenantId: TENANT, entrataApplicationId: String(app.applicationId) },
        });
        return r?.status === 'failed' ? r : undefined;
      }, wait);
      expect(row.failureReason).toMatch(/304.*Invalid parameters/);
      const webhook = await h.prisma.entrataWebhook.findFirst({
        where: { entrataApplicationId: String(app.applicationId) },
      });
      expect(webhook).toMatchObject({ status: 'failed', failureReason: row.failureReason });
      // Done with, not scheduled again: the job completed and Entrata was asked exactly once.
      await waitFor(async () => (await syncJobs(String(app.applicationId)))[0]?.state === 'completed', wait);
      expect(await syncJobs(String(app.applicationId))).toEqual([{ state: 'completed', retry_count: 0 }]);
      const { faults } = (await control(h.sandbox, 'GET', '/faults')) as {
        faults: { id: string; hits: number }[];
      };
      const [active] = faults;
      expect(active).toMatchObject({ id: fault.id, hits: 1 });
      expect(await h.events('applications', 'ApplicationSubmitted', row.applicationId)).toEqual([]);
      const [failed] = await waitFor(async () => {
        const found = await h.events('applications', 'ApplicationReadFailed', row.applicationId);
        return found.length > 0 ? found : undefined;
      }, wait);
      expect(failed?.payload).toMatchObject({ reasonCode: 'entrata_rejected', detail: row.failureReason });
    } finally {
      await control(h.sandbox, 'DELETE', '/faults');
    }
  });

  it('does not publish an application beyond the limits: ApplicationReadFailed application_too_large instead', async () => {
    const tooLarge = async (
      applicants: NonNullable<Parameters<typeof submitApplication>[2]>['applicants'],
    ) => {
      const app = await submitApplication(h, 'deliver', { applicants });
      const applicationId = applicationIdFor(TENANT, String(app.applicationId));
      const [failed] = await waitFor(async () => {
        const found = await h.events('applications', 'ApplicationReadFailed', applicationId);
        return found.length > 0 ? found : undefined;
      }, wait);
      expect(failed?.version).toBe(2);
      expect(failed?.payload).toMatchObject({ reasonCode: 'application_too_large' });
      expect(await h.prisma.application.findFirst({ where: { applicationId } })).toMatchObject({
        status: 'failed',
      });
      expect(await h.events('applications', 'ApplicationSubmitted', applicationId)).toEqual([]);
      return failed?.payload.detail as string;
    };
    // One more co-applicant than ApplicationSubmitted v3 allows.
    const many = await tooLarge(
      Array.from({ length: MAX_APPLICANTS + 1 }, (_, i) => ({
        firstName: `Co${i}`,
        lastName: 'Many',
        email: `co${i}@example.com`,
        customerType: i === 0 ? 'Primary' : 'Co-Applicant',
      })),
    );
    expect(many).toMatch(/\/applicants must not have more than 20 items/);
  });

  it('tolerates unexpected extra fields in getLeads/getLeases answers', async () => {
    const extra = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(extra);
      if (value === null || typeof value !== 'object') return value;
      const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extra(v)]));
      return { ...copy, xNewField: { nested: [1, 'two'] }, xFlag: true, xNull: null };
    };
    h.betaEntrata.rewrite(extra);
    try {
      const app = await submitApplication(h, 'deliver', {
        org: BETA.org,
        propertyId: BETA.property,
        applicants: [
          {
            firstName: 'Eve',
            lastName: 'Ro',
            email: 'eve@example.com',
            phones: { cell: '303-555-0111' },
            customerType: 'Primary',
          },
          { firstName: 'Fay', lastName: 'Ro', customerType: 'Co-Applicant', relationshipName: 'Spouse' },
        ],
      });
      const applicationId = applicationIdFor(BETA.tenant, String(app.applicationId));
      const [event] = await published(applicationId, 1);
      expect(event?.tenantId).toBe(BETA.tenant);
      expect(event?.payload.applicants).toEqual([
        expect.objectContaining({ role: 'primary', email: 'eve@example.com', mobilePhone: '+13035550111' }),
        expect.objectContaining({ role: 'co-applicant', firstName: 'Fay' }),
      ]);
      // Nothing of the unexpected fields leaks into the event.
      expect(JSON.stringify(event?.payload)).not.toContain('xNewField');
      // Isolation: beta's application was read with beta's own credentials, never another tenant's.
      const keys = new Set(h.betaEntrata.seen.map((r) => r.apiKey));
      expect(keys).toEqual(new Set(['beta-entrata-key']));
      expect(h.betaEntrata.seen.every((r) => r.path.startsWith(`/ext/orgs/${BETA.org}/`))).toBe(true);
    } finally {
      h.betaEntrata.rewrite(undefined);
    }
  });
});

describe('fairness between tenants', () => {
  it("one tenant's flood does not starve another tenant's Entrata reads", async () => {
    // Beta's Entrata holds every request (slow, or rate-limited), and beta floods ingest with webhooks:
    // more syncs than ingest has workers.
    h.betaEntrata.close();
    try {
      const flood = 8;
      const beta = [];
      for (let i = 0; i < flood; i++)
        beta.push(await submitApplication(h, 'deliver', { org: BETA.org, propertyId: BETA.property }));
      await waitFor(async () => h.betaEntrata.held >= 2 || undefined, {
        ...wait,
        message: "beta's syncs waiting on its Entrata",
      });
      // Acme's one application is still read and published while every beta read is held.
      const app = await submitApplication(h);
      await published(applicationIdFor(TENANT, String(app.applicationId)), 1);
      // ... and none of the flood's was read meanwhile (its Entrata still holds every request).
      const flooded = beta.map((b) => String(b.applicationId));
      expect(
        await h.prisma.application.count({
          where: { tenantId: BETA.tenant, entrataApplicationId: { in: flooded }, status: 'synced' },
        }),
      ).toBe(0);
      // Nothing of beta's is lost: once its Entrata answers, every application is published.
      h.betaEntrata.open();
      for (const b of beta) await published(applicationIdFor(BETA.tenant, String(b.applicationId)), 1);
    } finally {
      h.betaEntrata.open();
    }
  });
});

describe('a webhook arriving while its application is being synced', () => {
  it('is not dropped: the newer read is published, the older one discarded as stale', async () => {
    const app = await submitApplication(h);
    const entrataApplicationId = String(app.applicationId);
    const applicationId = applicationIdFor(TENANT, entrataApplicationId);
    await published(applicationId, 1);

    // Sync #2 reads getLeads (old contacts) and then hangs in getLeases for 4 s...
    await control(h.sandbox, 'POST', '/faults', {
      target: 'entrata',
      kind: 'delay',
      delayMs: 4000,
      match: 'leases/getLeases',
      count: 1,
    });
    await control(h.sandbox, 'POST', `/entrata/orgs/${ORG}/applications/${app.applicationId}/webhook`, {
      mode: 'deliver',
    });
    await waitFor(async () => (await control(h.sandbox, 'GET', '/faults')).faults.length === 0, {
      ...wait,
      message: 'sync #2 in getLeases',
    });

    // ...while the guarantor's email changes and Entrata announces it: sync #3 must run and publish it.
    const guarantor = app.customers.find((c: { customerType: string }) => c.customerType === 'Guarantor');
    await control(
      h.sandbox,
      'PATCH',
      `/entrata/orgs/${ORG}/applications/${app.applicationId}/applicants/${guarantor.customerId}`,
      { email: 'bo.new@example.com' },
    );
    await control(h.sandbox, 'POST', `/entrata/orgs/${ORG}/applications/${app.applicationId}/webhook`, {
      mode: 'deliver',
    });
    const events = await published(applicationId, 2);
    expect(events[1]?.payload.applicants[1]).toMatchObject({
      role: 'guarantor',
      email: 'bo.new@example.com',
    });

    // Sync #2 finishes later with its older read: no third event, and the stored snapshot stays the new one.
    await waitFor(async () => (await syncJobs(entrataApplicationId)).every((j) => j.state === 'completed'), {
      ...wait,
      message: 'every sync job completed',
    });
    expect(await syncJobs(entrataApplicationId)).toHaveLength(3);
    expect(await h.events('applications', 'ApplicationSubmitted', applicationId)).toHaveLength(2);
    const row = await h.prisma.application.findUnique({ where: { applicationId } });
    expect(row).toMatchObject({ status: 'synced', publishCount: 2 });
    expect(JSON.stringify(row?.snapshot)).toContain('bo.new@example.com');
    expect(
      await h.prisma.entrataWebhook.count({ where: { entrataApplicationId, status: { not: 'processed' } } }),
    ).toBe(0);
  });
});
