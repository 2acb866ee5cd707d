import { createHmac } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { call, type Json, startReceiver, startTestSandbox, waitFor } from './helpers.ts';

// The fake platform's behaviour. That its shapes match the DOCUMENTED examples is checked against the
// documented fixtures in packages/verification-client/test/documented-contract.integration.test.ts.

const SECRET = 'platform-webhook-secret';

describe('fake verification platform', () => {
  let sandbox: Sandbox;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(sandbox, method, `/api/v1${path}`, body, { authorization: `Bearer ${token}`, ...headers });
  const settings = (body: Record<string, unknown>) =>
    call(sandbox, 'PUT', '/sandbox/platform/settings', body);

  const createBody = (extra: Record<string, unknown> = {}) => ({
    applicants: [
      {
        first_name: 'Ann',
        last_name: 'Lee',
        email: 'ann@example.com',
        phone_number: '+13035550100',
        verifications: [{ type: 'income_verification' }, { type: 'identity_verification' }],
      },
      {
        first_name: 'Bo',
        last_name: 'Lee',
        email: 'bo@example.com',
        verifications: [{ type: 'income_verification' }],
      },
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
  /** Creates a group and reads it back (the assumed read), for its applicant and verification ids. */
  const createGroup = async (extra: Record<string, unknown> = {}) => {
    const res = await api('POST', '/applicant_groups', createBody(extra));
    expect(res.status).toBe(200);
    return (await api('GET', `/applicant_groups/${res.json.id}`)).json;
  };
  const events = () => hooks.requests.map((r) => JSON.parse(r.body) as Json);

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
    expect(auth.status).toBe(200);
    expect(auth.text).toBe('');
    token = (auth.headers.get('authorization') ?? '').replace(/^Bearer /, '');
  });

  it('returns the JWT in the Authorization header and requires it', async () => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(30 * 60);
    const bad = await call(sandbox, 'POST', '/api/v1/tenants/auth', { client_id: 'cid', secret_key: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await call(sandbox, 'GET', '/api/v1/applicant_groups')).status).toBe(401);
    const forged = await call(sandbox, 'GET', '/api/v1/applicant_groups', undefined, {
      authorization: `Bearer ${token}x`,
    });
    expect(forged.status).toBe(401);
  });

  it('creates a group with 200 and the documented echo only; finds it by correlation id', async () => {
    const res = await api('POST', '/applicant_groups', createBody());
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'pending',
      monthly_rent_cents: 250000,
      unit_number: '4B',
      correlation_id: 'app-123',
      verification_types: ['income_verification', 'identity_verification'],
      property: { id: expect.any(String), name: 'Elm Court' },
    });
    expect(res.json.property).not.toHaveProperty('unit');
    expect(res.json).not.toHaveProperty('applicants');
    expect(res.json.created_at_timestamp % 1).not.toBe(0);

    const found = await api('GET', '/applicant_groups?correlation_id=app-123');
    expect(found.json.applicant_groups.map((g: Json) => g.id)).toEqual([res.json.id]);
    expect(found.json.total_count).toBe(1);
    expect((await api('GET', '/applicant_groups?correlation_id=other')).json.applicant_groups).toEqual([]);
  });

  it('requires monthly_rent and decision_maker_display_name and the documented verification types', async () => {
    const { monthly_rent: _rent, decision_maker_display_name: _name, ...rest } = createBody();
    const missing = await api('POST', '/applicant_groups', rest);
    expect(missing.status).toBe(400);
    expect(missing.json.detail).toMatch(/monthly_rent|decision_maker_display_name/);

    const bare = createBody({
      applicants: [
        { first_name: 'A', last_name: 'B', email: 'a@example.com', verifications: [{ type: 'income' }] },
      ],
    });
    expect((await api('POST', '/applicant_groups', bare)).status).toBe(400);
    expect((await api('POST', '/applicant_groups', createBody({ monthly_rent: 1500.5 }))).status).toBe(400);
  });

  it('answers 400 naming the applicant for a non-E.164 phone or an email address that does not exist', async () => {
    const body = createBody();
    body.applicants[1] = {
      ...body.applicants[1],
      email: 'bo@nowhere.invalid',
    } as (typeof body.applicants)[1];
    const res = await api('POST', '/applicant_groups', body);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      { path: '/applicants/1/email', message: 'email address does not exist' },
    ]);
    body.applicants[1] = { ...body.applicants[1], email: 'bo@example.com', phone_number: '303-555-0100' };
    const phone = await api('POST', '/applicant_groups', body);
    expect(phone.status).toBe(400);
    expect(phone.json.errors[0].path).toBe('/applicants/1/phone_number');
  });

  it('offers the group read, applicant ids and links as switchable assumptions', async () => {
    const group = await createGroup();
    const [ann] = group.applicants;
    expect(ann.verifications.map((v: Json) => v.type)).toEqual([
      'income_verification',
      'identity_verification',
    ]);
    expect(ann.verifications[0].verification_url).toBe(`${sandbox.url}/verify/${ann.verifications[0].id}`);

    await settings({ invitationLinks: false });
    expect(
      (await api('GET', `/applicant_groups/${group.id}`)).json.applicants[0].verifications[0],
    ).not.toHaveProperty('verification_url');
    await settings({ applicantDetails: false });
    expect((await api('GET', `/applicant_groups/${group.id}`)).json).not.toHaveProperty('applicants');
    await settings({ groupReadBack: false, correlationIdLookup: false, contactUpdate: false });
    expect((await api('GET', `/applicant_groups/${group.id}`)).status).toBe(404);
    expect((await api('GET', '/applicant_groups?correlation_id=app-123')).status).toBe(404);
    expect(
      (await api('PATCH', `/applicant_groups/${group.id}/applicants/${ann.id}`, { email: 'x@example.com' }))
        .status,
    ).toBe(404);

    await call(sandbox, 'POST', '/sandbox/reset');
    expect((await call(sandbox, 'GET', '/sandbox/platform/settings')).json).toMatchObject({
      groupReadBack: true,
      applicantDetails: true,
      householdReportApplicantId: 'group_id',
    });
  });

  it('re-sends the invitation when contact details change (assumed PATCH)', async () => {
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
    const invitations = control.json.applicantGroups[0].applicants[0].invitations;
    expect(invitations.map((i: Json) => i.reason)).toEqual(['created', 'contact_changed']);
  });

  it('fires flat, signed webhooks: identity reports per applicant, the household income report once all are done', async () => {
    const group = await createGroup();
    const [ann, bo] = group.applicants;
    const [annIncome, annIdentity] = ann.verifications;

    await call(sandbox, 'POST', `/sandbox/verifications/${annIncome.id}/complete`, {});
    await waitFor(() => hooks.requests.length === 2);
    expect(events()).toEqual([
      { code: 'VERIFICATION_STARTED', verification_id: annIncome.id },
      { code: 'VERIFICATION_COMPLETED', verification_id: annIncome.id, reason_completed: 'finished' },
    ]);
    for (const req of hooks.requests) {
      expect(req.headers['verification-signature']).toBe(
        createHmac('sha256', SECRET).update(req.body).digest('hex'),
      );
      expect(req.headers['content-type']).toBe('application/json');
    }

    await call(sandbox, 'POST', `/sandbox/verifications/${annIdentity.id}/complete`, {});
    await waitFor(() => hooks.requests.length === 5);
    const identityReport = events()[4];
    expect(identityReport).toEqual({
      code: 'REPORT_READY',
      applicant_group_id: group.id,
      applicant_id: ann.id,
      report_id: expect.any(String),
      report_type: 'identity',
    });

    const done = await call(sandbox, 'POST', `/sandbox/platform/applicants/${bo.id}/complete`, {});
    expect(done.json.webhooks.map((w: Json) => w.code)).toEqual([
      'VERIFICATION_STARTED',
      'VERIFICATION_COMPLETED',
      'REPORT_READY',
    ]);
    await waitFor(() => hooks.requests.length === 8);
    // As the documentation's own example: the household report repeats the group id as applicant_id.
    const income = events()[7];
    expect(income).toEqual({
      code: 'REPORT_READY',
      applicant_group_id: group.id,
      applicant_id: group.id,
      report_id: expect.any(String),
      report_type: 'income',
    });
    expect((await api('GET', `/applicant_groups/${group.id}`)).json.status).toBe('completed');

    // The documented report data, then the PDF behind its pre-signed pdf_url (no token needed).
    const data = await api('GET', `/reports/${income.report_id}`);
    expect(data.json).toEqual({
      report_id: income.report_id,
      report_type: 'income',
      applicant_group_id: group.id,
      pdf_url: expect.stringMatching(
        /^http:\/\/.+\/sandbox-files\/reports\/.+\.pdf\?expires=\d+&signature=[0-9a-f]+$/,
      ),
      data: {},
    });
    const pdfRes = await fetch(data.json.pdf_url);
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const doc = await PDFDocument.load(Buffer.from(await pdfRes.arrayBuffer()));
    expect(doc.getTitle()).toContain('income report');
    expect(doc.getSubject()).toBe('Applicants: Ann Lee, Bo Lee');
    // Changes the signature's first digit to another one (a fixed '0' would leave one signature in 16 valid).
    const tampered = data.json.pdf_url.replace(
      /signature=(.)/,
      (_: string, first: string) => `signature=${first === '0' ? '1' : '0'}`,
    );
    expect((await fetch(tampered)).status).toBe(403);
    expect((await api('GET', `/reports/${identityReport.report_id}`)).json.applicant_id).toBe(ann.id);
    expect((await api('GET', '/reports/nope')).status).toBe(404);
  });

  it('can omit applicant_id on household reports and send another or no Content-Type', async () => {
    await settings({ householdReportApplicantId: 'omit', webhookContentType: null });
    const group = await createGroup({ applicants: [createBody().applicants[1]] });
    await call(sandbox, 'POST', `/sandbox/platform/applicants/${group.applicants[0].id}/complete`, {});
    await waitFor(() => hooks.requests.length === 3);
    expect(events()[2]).not.toHaveProperty('applicant_id');
    expect(hooks.requests[0]?.headers['content-type']).toBeUndefined();
  });

  it('retries webhooks, sends identical duplicates on request and re-fires COMPLETED without a new report', async () => {
    const group = await createGroup({
      applicants: [
        {
          first_name: 'Di',
          last_name: 'Ng',
          email: 'di@example.com',
          verifications: [{ type: 'identity_verification' }],
        },
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
    expect(events().map((e) => e.code)).toEqual([
      'VERIFICATION_COMPLETED',
      'VERIFICATION_COMPLETED',
      'REPORT_READY',
      'REPORT_READY',
    ]);
    expect(hooks.requests[0]?.body).toBe(hooks.requests[1]?.body);

    hooks.requests.length = 0;
    await call(sandbox, 'POST', `/sandbox/verifications/${verification.id}/complete`, {});
    await waitFor(() => hooks.requests.length === 1);
    expect(events()).toEqual([
      { code: 'VERIFICATION_COMPLETED', verification_id: verification.id, reason_completed: 'finished' },
    ]);
  });

  it('serves the verification page and completes from its button', async () => {
    const group = await createGroup();
    const verification = group.applicants[1].verifications[0];
    const html = await (await fetch(`${sandbox.url}/verify/${verification.id}`)).text();
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
    const group = await createGroup({ applicants: [createBody().applicants[1]] });
    await call(sandbox, 'POST', `/sandbox/platform/applicants/${group.applicants[0].id}/complete`, {});
    const reportId = await waitFor(() => events().find((e) => e.code === 'REPORT_READY')?.report_id);

    await call(sandbox, 'POST', '/sandbox/faults', {
      target: 'platform',
      kind: 'http_error',
      status: 503,
      count: 1,
    });
    expect((await api('GET', `/applicant_groups/${group.id}`)).status).toBe(503);
    expect((await api('GET', `/applicant_groups/${group.id}`)).status).toBe(200);

    const { pdf_url: url } = (await api('GET', `/reports/${reportId}`)).json;
    await call(sandbox, 'POST', '/sandbox/faults', { target: 'platform', kind: 'truncated_pdf', count: 1 });
    const get = async () => Buffer.from(await (await fetch(url)).arrayBuffer());
    const truncated = await get();
    const whole = await get();
    expect(truncated.length).toBeLessThan(whole.length);
    expect(whole.toString('latin1')).toContain('%%EOF');
    expect(truncated.toString('latin1')).not.toContain('%%EOF');
  });
});
