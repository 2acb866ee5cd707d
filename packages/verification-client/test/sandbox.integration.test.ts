import { createLogger } from '@autoverify/logger';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CreateApplicantGroupRequest,
  createVerificationClient,
  InvalidReportError,
  type VerificationClient,
} from '../src/index.ts';

// The client against the in-process sandbox platform: the shapes both sides agreed on.

let sandbox: Sandbox;
let client: VerificationClient;

const request = (correlationId: string): CreateApplicantGroupRequest => ({
  applicants: [
    {
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      phone_number: '+13035550123',
      verifications: [{ type: 'income' }, { type: 'identity' }],
    },
    { first_name: 'Bob', last_name: 'Byron', email: 'bob@example.com', verifications: [{ type: 'income' }] },
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
  webhook_url: 'http://127.0.0.1:3001/webhooks/verification-platform',
  is_invitation_disabled: true,
  correlation_id: correlationId,
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

afterAll(async () => {
  await client?.close();
  await sandbox?.stop();
});

describe('verification client against the sandbox platform', () => {
  it('creates a group (200) and reads back the ids and links of every applicant and verification', async () => {
    const group = await client.createApplicantGroup(request('app-1'));
    expect(group).toMatchObject({ status: 'not_started', correlationId: 'app-1', monthlyRentCents: 150000 });
    expect(group.applicants.map((a) => [a.email, a.phoneNumber, a.verifications.map((v) => v.type)])).toEqual(
      [
        ['ada@example.com', '+13035550123', ['income', 'identity']],
        ['bob@example.com', undefined, ['income']],
      ],
    );
    for (const v of group.applicants.flatMap((a) => a.verifications)) {
      expect(v.id).toBeTruthy();
      expect(v.link).toBe(`${sandbox.url}/verify/${v.id}`);
    }
    expect(await client.getApplicantGroup(group.id)).toEqual(group);
  });

  it('finds a group by correlation id, and nothing for an unknown one', async () => {
    const created = await client.createApplicantGroup(request('app-2'));
    expect((await client.findApplicantGroupByCorrelationId('app-2'))?.id).toBe(created.id);
    expect(await client.findApplicantGroupByCorrelationId('app-unknown')).toBeUndefined();
  });

  it('updates an applicant contact', async () => {
    const group = await client.createApplicantGroup(request('app-3'));
    const ada = group.applicants[0]!;
    const updated = await client.updateApplicant(group.id, ada.id, { email: 'ada.new@example.com' });
    expect(updated).toMatchObject({ id: ada.id, email: 'ada.new@example.com' });
  });

  it('reports validation problems as permanent errors with fields', async () => {
    const bad = request('app-4');
    bad.applicants[1]!.email = 'not-an-email';
    await expect(client.createApplicantGroup(bad)).rejects.toMatchObject({
      status: 400,
      retryable: false,
      problems: [expect.objectContaining({ field: '/applicants/1/email' })],
    });
  });

  it('marks an unsupported "add applicant" call as 404 (callers fall back to a group of its own)', async () => {
    const group = await client.createApplicantGroup(request('app-5'));
    await expect(
      client.addApplicant(group.id, {
        first_name: 'C',
        last_name: 'D',
        email: 'c@example.com',
        verifications: [{ type: 'income' }],
      }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('honours rate limits and retries server errors on reads', async () => {
    const group = await client.createApplicantGroup(request('app-6'));
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

  it('fetches a report PDF after completion, and rejects a truncated one', async () => {
    const group = await client.createApplicantGroup(request('app-7'));
    const ada = group.applicants[0]!;
    const identity = ada.verifications.find((v) => v.type === 'identity')!;
    // The applicant completes identity through the sandbox's scenario API: an identity report is made.
    const completed = await fetch(`${sandbox.url}/sandbox/verifications/${identity.id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reasonCompleted: 'submitted' }),
    });
    expect(completed.status).toBe(200);
    const report = sandbox.state.platform
      .findVerification(identity.id)!
      .group.reports.find((r) => r.type === 'identity')!;

    const fetched = await client.fetchReport(report.id);
    expect(fetched.contentType).toBe('application/pdf');
    expect(fetched.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    sandbox.state.faults.add({
      target: 'platform',
      kind: 'truncated_pdf',
      match: `GET /reports/${report.id}`,
      count: 3,
    });
    await expect(client.fetchReport(report.id)).rejects.toBeInstanceOf(InvalidReportError);
  });
});
