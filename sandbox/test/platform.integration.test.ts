import { createHmac } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { call, startReceiver, startTestSandbox, waitFor } from './helpers.ts';

const SECRET = 'platform-webhook-secret';

describe('fake verification platform', () => {
  let sandbox: Sandbox;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(sandbox, method, `/api/v1${path}`, body, { authorization: `Bearer ${token}`, ...headers });

  const createGroup = async (extra: Record<string, unknown> = {}) => {
    const res = await api('POST', '/applicant_groups', {
      applicants: [
        {
          first_name: 'Ann',
          last_name: 'Lee',
          email: 'ann@example.com',
          phone_number: '+13035550100',
          verifications: [{ type: 'income' }, { type: 'identity' }],
        },
        { first_name: 'Bo', last_name: 'Lee', email: 'bo@example.com', verifications: [{ type: 'income' }] },
      ],
      property: {
        name: 'Elm Court',
        street_address: '1 Elm St',
        city: 'Denver',
        state: 'CO',
        zip_code: '80202',
        unit: '4B',
      },
      decision_maker_display_name: 'Elm Court Leasing',
      monthly_rent: 250000,
      webhook_url: `${hooks.url}/webhooks/platform`,
      is_invitation_disabled: false,
      correlation_id: 'app-123',
      ...extra,
    });
    expect(res.status).toBe(200);
    return res.json;
  };
  const events = () =>
    hooks.requests.map(
      (r) => JSON.parse(r.body) as { code: string; data: Record<string, string>; event_id: string },
    );

  beforeAll(async () => {
    hooks = await startReceiver();
    sandbox = await startTestSandbox({
      platform: { clientId: 'cid', secretKey: 'sk', webhookSecret: SECRET },
    });
  });
  afterAll(async () => {
    await sandbox.stop();
    await hooks.close();
  });
  beforeEach(async () => {
    await call(sandbox, 'POST', '/sandbox/reset');
    hooks.requests.length = 0;
    const auth = await call(sandbox, 'POST', '/api/v1/tenants/auth', { client_id: 'cid', secret_key: 'sk' });
    expect(auth.json).toMatchObject({ token_type: 'Bearer', expires_in: 1800 });
    token = auth.json.access_token;
  });

  it('requires valid credentials and a bearer token', async () => {
    const bad = await call(sandbox, 'POST', '/api/v1/tenants/auth', { client_id: 'cid', secret_key: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const noToken = await call(sandbox, 'GET', '/api/v1/applicant_groups');
    expect(noToken.status).toBe(401);
    const forged = await call(sandbox, 'GET', '/api/v1/applicant_groups', undefined, {
      authorization: `Bearer ${token}x`,
    });
    expect(forged.status).toBe(401);
  });

  it('creates a group (HTTP 200) with ids and links, and finds it by correlation id', async () => {
    const group = await createGroup();
    expect(group).toMatchObject({
      status: 'not_started',
      monthly_rent_cents: 250000,
      correlation_id: 'app-123',
    });
    const [ann] = group.applicants;
    expect(ann.verifications.map((v: { type: string }) => v.type)).toEqual(['income', 'identity']);
    expect(ann.verifications[0].verification_url).toBe(`${sandbox.url}/verify/${ann.verifications[0].id}`);
    const found = await api('GET', '/applicant_groups?correlation_id=app-123');
    expect(found.json.applicant_groups.map((g: { id: string }) => g.id)).toEqual([group.id]);
    expect((await api('GET', '/applicant_groups?correlation_id=other')).json.applicant_groups).toEqual([]);
    expect((await api('GET', `/applicant_groups/${group.id}`)).json.id).toBe(group.id);
    expect((await api('GET', '/applicant_groups/nope')).status).toBe(404);
  });

  it('validates the body: E.164 phone, verification types', async () => {
    const res = await api('POST', '/applicant_groups', {
      applicants: [
        {
          first_name: 'A',
          last_name: 'B',
          phone_number: '303-555-0100',
          verifications: [{ type: 'credit' }],
        },
      ],
      property: { name: 'x', street_address: '', city: '', state: '', zip_code: '' },
      decision_maker_display_name: 'x',
      monthly_rent: 1,
      webhook_url: 'http://x',
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.length).toBeGreaterThan(0);
  });

  it('re-sends the invitation when contact details change', async () => {
    const group = await createGroup();
    const ann = group.applicants[0];
    const res = await api('PATCH', `/applicant_groups/${group.id}/applicants/${ann.id}`, {
      email: 'ann.lee@example.com',
    });
    expect(res.json.email).toBe('ann.lee@example.com');
    const control = await call(
      sandbox,
      'GET',
      '/sandbox/platform/applicant-groups?email=ann.lee@example.com',
    );
    const invitations = control.json.applicantGroups[0].invitations[0].invitations;
    expect(invitations.map((i: { reason: string }) => i.reason)).toEqual(['created', 'contact_changed']);
  });

  it('fires signed STARTED/COMPLETED webhooks, identity reports per applicant and the income report once all members are done', async () => {
    const group = await createGroup();
    const [ann, bo] = group.applicants;
    const [annIncome, annIdentity] = ann.verifications;

    await call(sandbox, 'POST', `/sandbox/verifications/${annIncome.id}/complete`, {});
    await waitFor(() => hooks.requests.length === 2);
    expect(events().map((e) => e.code)).toEqual(['VERIFICATION_STARTED', 'VERIFICATION_COMPLETED']);
    expect(events()[1]?.data).toEqual({
      verification_id: annIncome.id,
      reason_completed: 'applicant_completed',
    });

    for (const req of hooks.requests) {
      expect(req.headers['verification-signature']).toBe(
        createHmac('sha256', SECRET).update(req.body).digest('hex'),
      );
    }

    await call(sandbox, 'POST', `/sandbox/verifications/${annIdentity.id}/complete`, {});
    await waitFor(() => hooks.requests.length === 5);
    const identityReport = events()[4];
    expect(identityReport).toMatchObject({
      code: 'REPORT_READY',
      data: { applicant_id: ann.id, report_type: 'identity' },
    });

    // The household income report waits for Bo.
    const done = await call(sandbox, 'POST', `/sandbox/platform/applicants/${bo.id}/complete`, {});
    expect(done.json.webhooks.map((w: { code: string }) => w.code)).toEqual([
      'VERIFICATION_STARTED',
      'VERIFICATION_COMPLETED',
      'REPORT_READY',
    ]);
    await waitFor(() => hooks.requests.length === 8);
    const income = events()[7];
    expect(income?.data).toEqual({
      applicant_group_id: group.id,
      report_id: expect.any(String),
      report_type: 'income',
    });
    expect(new Set(events().map((e) => e.event_id)).size).toBe(8);
    expect((await api('GET', `/applicant_groups/${group.id}`)).json.status).toBe('completed');

    const pdfRes = await fetch(`${sandbox.url}/api/v1/reports/${income?.data.report_id}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/pdf' },
    });
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await pdfRes.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getTitle()).toContain('income report');
    expect(doc.getSubject()).toBe('Applicants: Ann Lee, Bo Lee');
    expect(doc.getPageCount()).toBe(1);

    const json = await api('GET', `/reports/${identityReport?.data.report_id}`, undefined, {
      accept: 'application/json',
    });
    expect(json.json).toMatchObject({
      report_type: 'identity',
      applicant_id: ann.id,
      applicants: [{ first_name: 'Ann' }],
    });
  });

  it('retries webhooks, sends duplicates on request and re-fires COMPLETED without a new report', async () => {
    const group = await createGroup({
      applicants: [
        { first_name: 'Di', last_name: 'Ng', email: 'di@example.com', verifications: [{ type: 'identity' }] },
      ],
    });
    const verification = group.applicants[0].verifications[0];
    hooks.respondWith([500]);
    await call(sandbox, 'POST', `/sandbox/verifications/${verification.id}/start`, {});
    await waitFor(() => hooks.requests.length === 2);
    expect(hooks.requests[0]?.body).toBe(hooks.requests[1]?.body);

    hooks.requests.length = 0;
    await call(sandbox, 'POST', `/sandbox/verifications/${verification.id}/complete`, { duplicate: true });
    await waitFor(() => hooks.requests.length === 4);
    const codes = events().map((e) => e.code);
    expect(codes).toEqual([
      'VERIFICATION_COMPLETED',
      'VERIFICATION_COMPLETED',
      'REPORT_READY',
      'REPORT_READY',
    ]);
    expect(events()[0]?.event_id).toBe(events()[1]?.event_id);

    hooks.requests.length = 0;
    await call(sandbox, 'POST', `/sandbox/verifications/${verification.id}/complete`, {
      reasonCompleted: 'reopened',
    });
    await waitFor(() => hooks.requests.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(events().map((e) => e.code)).toEqual(['VERIFICATION_COMPLETED']);
  });

  it('serves the verification page and completes from its button', async () => {
    const group = await createGroup();
    const verification = group.applicants[1].verifications[0];
    const page = await fetch(`${sandbox.url}/verify/${verification.id}`);
    const html = await page.text();
    expect(html).toContain('Hello Bo Lee');
    expect(html).toContain(`action="/verify/${verification.id}/complete"`);
    const posted = await fetch(`${sandbox.url}/verify/${verification.id}/complete`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(await (await fetch(`${sandbox.url}/verify/${verification.id}`)).text()).toContain(
      '<strong id="status">completed</strong>',
    );
    expect((await fetch(`${sandbox.url}/verify/nope`)).status).toBe(404);
  });

  it('injects faults: 503 on the API and a truncated report PDF', async () => {
    const group = await createGroup({
      applicants: [{ first_name: 'Di', last_name: 'Ng', verifications: [{ type: 'identity' }] }],
    });
    await call(sandbox, 'POST', `/sandbox/platform/applicants/${group.applicants[0].id}/complete`, {});
    const reportId = await waitFor(() => events().find((e) => e.code === 'REPORT_READY')?.data.report_id);

    await call(sandbox, 'POST', '/sandbox/faults', {
      target: 'platform',
      kind: 'http_error',
      status: 503,
      count: 1,
    });
    expect((await api('GET', `/applicant_groups/${group.id}`)).status).toBe(503);
    expect((await api('GET', `/applicant_groups/${group.id}`)).status).toBe(200);

    await call(sandbox, 'POST', '/sandbox/faults', { target: 'platform', kind: 'truncated_pdf', count: 1 });
    const get = async () =>
      Buffer.from(
        await (
          await fetch(`${sandbox.url}/api/v1/reports/${reportId}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).arrayBuffer(),
      );
    const truncated = await get();
    const whole = await get();
    expect(truncated.length).toBeLessThan(whole.length);
    expect(whole.toString('latin1')).toContain('%%EOF');
    expect(truncated.toString('latin1')).not.toContain('%%EOF');
  });
});
