import { createLogger } from '@autoverify/logger';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreateApplicantGroupRequest,
  createVerificationClient,
  InvalidReportError,
  type VerificationClient,
} from '../src/index.ts';

// The client against the in-process sandbox platform: behaviour (auth, retries, faults, the switchable
// assumptions). The documented shapes themselves are checked in documented-contract.integration.test.ts.

let sandbox: Sandbox;
let client: VerificationClient;

const request = (correlationId: string): CreateApplicantGroupRequest => ({
  applicants: [
    {
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      phone_number: '+13035550123',
      verifications: [{ type: 'income_verification' }, { type: 'identity_verification' }],
    },
    {
      first_name: 'Bob',
      last_name: 'Byron',
      email: 'bob@example.com',
      verifications: [{ type: 'income_verification' }],
    },
  ],
  property: {
    name: 'Aspen Ridge',
    street_address: '1200 Larimer St',
    city: 'Denver',
    state: 'CO',
    zip_code: '80204',
  },
  decision_maker_display_name: 'Acme PM',
  monthly_rent: 150000,
  webhook_url: 'http://127.0.0.1:9/webhooks/verification-platform',
  is_invitation_disabled: true,
  correlation_id: correlationId,
});

const settings = (body: Record<string, unknown>) =>
  fetch(`${sandbox.url}/sandbox/platform/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  sandbox = await startSandbox({
    httpPort: 0,
    smtpPort: 0,
    logLevel: 'silent',
    webhookRetry: { attempts: 1 },
  });
  client = createVerificationClient({
    baseUrl: sandbox.url,
    clientId: sandbox.options.platform.clientId,
    secretKey: sandbox.options.platform.secretKey,
    logger: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 2000,
    retry: { initialMs: 10, maxMs: 50 },
  });
});

beforeEach(() => {
  sandbox.state.platform.reset();
  sandbox.state.faults.clear();
});

afterAll(async () => {
  await client?.close();
  await sandbox?.stop();
});

describe('verification client against the sandbox platform', () => {
  it('creates a group (200, no applicants in the answer) and reads back ids and links (assumed)', async () => {
    const created = await client.createApplicantGroup(request('app-1'));
    expect(created).toMatchObject({ status: 'pending', correlationId: 'app-1', monthlyRentCents: 150000 });
    expect(created.applicants).toBeUndefined();
    expect(created.verificationTypes).toEqual(['income_verification', 'identity_verification']);

    const group = await client.getApplicantGroup(created.id);
    expect(
      group.applicants?.map((a) => [a.email, a.phoneNumber, a.verifications.map((v) => v.kind)]),
    ).toEqual([
      ['ada@example.com', '+13035550123', ['income', 'identity']],
      ['bob@example.com', undefined, ['income']],
    ]);
    for (const v of group.applicants?.flatMap((a) => a.verifications) ?? [])
      expect(v.link).toBe(`${sandbox.url}/verify/${v.id}`);
  });

  it('sees no applicants, no links or no read at all when the sandbox withholds them', async () => {
    const created = await client.createApplicantGroup(request('app-2'));
    await settings({ invitationLinks: false });
    const noLinks = await client.getApplicantGroup(created.id);
    expect(noLinks.applicants?.[0]?.verifications.every((v) => v.link === undefined)).toBe(true);
    await settings({ applicantDetails: false });
    expect((await client.getApplicantGroup(created.id)).applicants).toBeUndefined();
    await settings({ groupReadBack: false });
    await expect(client.getApplicantGroup(created.id)).rejects.toMatchObject({
      status: 404,
      retryable: false,
    });
  });

  it('finds a group by correlation id, and nothing for an unknown one', async () => {
    const created = await client.createApplicantGroup(request('app-3'));
    expect((await client.findApplicantGroupByCorrelationId('app-3'))?.id).toBe(created.id);
    expect(await client.findApplicantGroupByCorrelationId('app-unknown')).toBeUndefined();
    await settings({ correlationIdLookup: false });
    await expect(client.findApplicantGroupByCorrelationId('app-3')).rejects.toMatchObject({ status: 404 });
  });

  it('updates an applicant contact (assumed PATCH)', async () => {
    const created = await client.createApplicantGroup(request('app-4'));
    const ada = (await client.getApplicantGroup(created.id)).applicants?.[0];
    if (!ada) throw new Error('no applicant');
    const updated = await client.updateApplicant(created.id, ada.id, { email: 'ada.new@example.com' });
    expect(updated).toMatchObject({ id: ada.id, email: 'ada.new@example.com' });
  });

  it('reports validation problems (400) as permanent errors naming the applicant', async () => {
    const bad = request('app-5');
    bad.applicants[1] = { ...bad.applicants[1], email: 'bob@nowhere.invalid' } as (typeof bad.applicants)[1];
    await expect(client.createApplicantGroup(bad)).rejects.toMatchObject({
      status: 400,
      retryable: false,
      problems: [{ field: '/applicants/1/email', message: 'email address does not exist' }],
    });
  });

  it('gets 404 for the unsupported "add applicant" call (callers fall back to a group of its own)', async () => {
    const group = await client.createApplicantGroup(request('app-6'));
    await expect(
      client.addApplicant(group.id, {
        first_name: 'C',
        last_name: 'D',
        email: 'c@example.com',
        verifications: [{ type: 'income_verification' }],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('honours rate limits and retries server errors on reads', async () => {
    const group = await client.createApplicantGroup(request('app-7'));
    sandbox.state.faults.add({
      target: 'platform',
      kind: 'rate_limit',
      retryAfterSeconds: 1,
      match: `GET /api/v1/applicant_groups/${group.id}`,
      count: 1,
    });
    const started = Date.now();
    await expect(client.getApplicantGroup(group.id)).resolves.toMatchObject({ id: group.id });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    sandbox.state.faults.add({
      target: 'platform',
      kind: 'http_error',
      status: 503,
      match: `GET /api/v1/applicant_groups/${group.id}`,
      count: 1,
    });
    await expect(client.getApplicantGroup(group.id)).resolves.toMatchObject({ id: group.id });
  });

  it('fetches a report PDF through its pdf_url after completion, and rejects a truncated one', async () => {
    const created = await client.createApplicantGroup(request('app-8'));
    const ada = (await client.getApplicantGroup(created.id)).applicants?.[0];
    const identity = ada?.verifications.find((v) => v.kind === 'identity');
    if (!identity) throw new Error('no identity verification');
    const completed = await fetch(`${sandbox.url}/sandbox/verifications/${identity.id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { webhooks } = (await completed.json()) as { webhooks: { code: string; report_id?: string }[] };
    const reportId = webhooks.find((w) => w.code === 'REPORT_READY')?.report_id;
    if (!reportId) throw new Error('no report');

    const data = await client.getReport(reportId);
    expect(data).toMatchObject({ reportId, reportType: 'identity', applicantGroupId: created.id });
    const fetched = await client.downloadReport(reportId, data);
    expect(fetched.contentType).toBe('application/pdf');
    expect(fetched.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    sandbox.state.faults.add({ target: 'platform', kind: 'truncated_pdf', match: reportId, count: 1 });
    await expect(client.downloadReport(reportId, await client.getReport(reportId))).rejects.toBeInstanceOf(
      InvalidReportError,
    );
  });
});
