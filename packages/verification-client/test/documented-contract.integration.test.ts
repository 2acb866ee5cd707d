import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@autoverify/logger';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CreateApplicantGroupRequest,
  createVerificationClient,
  type VerificationClient,
} from '../src/index.ts';
import { parseAuth, parseGroup, parseGroupList, parseReportData } from '../src/wire.ts';
import {
  DocumentedCreateRequest,
  DocumentedGroup,
  DocumentedGroupList,
  DocumentedReportData,
  DocumentedWebhook,
  documented,
  problemsAgainst,
} from './fixtures/documented/index.ts';

// The contract: the platform's DOCUMENTED examples (test/fixtures/documented) against BOTH the production
// client and the sandbox, so neither can drift into agreeing with the other instead of the documentation.

const keys = (o: object) => Object.keys(o).sort();

describe('the documented shapes describe the documented examples', () => {
  it('fits every fixture', () => {
    expect(problemsAgainst(DocumentedCreateRequest, documented.createRequest.request.body)).toEqual([]);
    expect(problemsAgainst(DocumentedGroup, documented.createResponse.response.body)).toEqual([]);
    expect(problemsAgainst(DocumentedGroupList, documented.listResponse.response.body)).toEqual([]);
    expect(problemsAgainst(DocumentedReportData, documented.reportData.response.body)).toEqual([]);
    for (const { body } of Object.values(documented.webhooks))
      expect(problemsAgainst(DocumentedWebhook, body)).toEqual([]);
  });
});

describe('the production client against the documented examples', () => {
  it('parses the documented create answer: no applicants array needed, "pending" accepted', () => {
    const group = parseGroup(documented.createResponse.response.body);
    expect(group).toEqual({
      id: '550e8400-e29b-41d4-a716-446655440000',
      status: 'pending',
      correlationId: 'PROP-123-UNIT-456',
      monthlyRentCents: 250000,
      unitNumber: '2A',
      unitId: '550e8400-e29b-41d4-a716-446655440003',
      propertyId: '123e4567-e89b-12d3-a456-426614174000',
      createdAt: new Date(1640995200123),
      verificationTypes: ['asset_verification'],
      applicants: undefined,
    });
    expect(documented.createResponse.response.status).toBe(200);
  });

  it('parses the documented list, auth answer and report data', () => {
    expect(parseGroupList(documented.listResponse.response.body).map((g) => g.correlationId)).toEqual([
      'PROP-123-UNIT-456',
    ]);
    const authorization = documented.auth.response.headers.authorization ?? '';
    expect(parseAuth(authorization, null, 0, 1).token).toBe(authorization.replace('Bearer ', ''));
    expect(parseReportData(documented.reportData.response.body).pdfUrl).toMatch(
      /^https:\/\/s3\.amazonaws\.com\//,
    );
  });

  it('sends the documented request unchanged, authenticated as documented, and reads the documented answer', async () => {
    const seen: { method?: string; url?: string; authorization?: string; body: unknown }[] = [];
    const server: Server = createServer(async (req: IncomingMessage, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      seen.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
      });
      if (req.url === '/api/v1/tenants/auth') {
        res.writeHead(200, documented.auth.response.headers).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(documented.createResponse.response.body));
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = createVerificationClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      clientId: 'your-client-id-here',
      secretKey: 'your-secret-key-here',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    try {
      const body = documented.createRequest.request.body as unknown as CreateApplicantGroupRequest;
      const group = await client.createApplicantGroup(body);
      expect(group.id).toBe('550e8400-e29b-41d4-a716-446655440000');
      expect(seen[0]).toMatchObject({
        method: 'POST',
        url: '/api/v1/tenants/auth',
        body: documented.auth.request.body,
      });
      expect(seen[1]).toMatchObject({
        method: 'POST',
        url: '/api/v1/applicant_groups',
        authorization: documented.auth.response.headers.authorization,
        body,
      });
      expect(problemsAgainst(DocumentedCreateRequest, seen[1]?.body)).toEqual([]);
    } finally {
      await client.close();
      server.close();
    }
  });
});

describe('the sandbox against the documented examples', () => {
  let sandbox: Sandbox;
  let client: VerificationClient;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let receiver: Server;

  beforeAll(async () => {
    receiver = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      received.push({ headers: req.headers, body });
      res.end();
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
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
    });
  });
  afterAll(async () => {
    await client?.close();
    await sandbox?.stop();
    receiver?.close();
  });

  const raw = (path: string, init: RequestInit = {}) => fetch(`${sandbox.url}${path}`, init);
  const token = async () => {
    const res = await raw('/api/v1/tenants/auth', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: sandbox.options.platform.clientId,
        secret_key: sandbox.options.platform.secretKey,
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    return res.headers.get('authorization') ?? '';
  };

  it('authenticates as documented: 200, the JWT in the Authorization header', async () => {
    expect(await token()).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('answers the documented create request with 200 and exactly the documented group, and lists it', async () => {
    const authorization = await token();
    const body = {
      ...documented.createRequest.request.body,
      webhook_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    };
    const res = await raw('/api/v1/applicant_groups', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const group = (await res.json()) as { property: object };
    expect(problemsAgainst(DocumentedGroup, group)).toEqual([]);
    expect(keys(group)).toEqual(keys(documented.createResponse.response.body));
    expect(keys(group.property)).toEqual(keys(documented.createResponse.response.body.property as object));
    expect(group).toMatchObject({
      status: 'pending',
      monthly_rent_cents: 250000,
      unit_number: '2A',
      correlation_id: 'PROP-123-UNIT-456',
      verification_types: ['asset_verification'],
    });

    const list = await raw('/api/v1/applicant_groups?correlation_id=PROP-123-UNIT-456', {
      headers: { authorization },
    });
    expect(problemsAgainst(DocumentedGroupList, await list.json())).toEqual([]);
  });

  it('answers 400 to an email address that does not exist', async () => {
    const authorization = await token();
    const request = documented.createRequest.request.body as { applicants: Record<string, unknown>[] };
    const res = await raw('/api/v1/applicant_groups', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...request,
        applicants: [{ ...request.applicants[0], email: 'jane@nowhere.invalid' }],
      }),
    });
    expect(res.status).toBe(documented.createInvalidEmail.response.status);
  });

  it('sends only documented, flat, signed webhook bodies and documented report data', async () => {
    received.length = 0;
    const request: CreateApplicantGroupRequest = {
      ...(documented.createRequest.request.body as unknown as CreateApplicantGroupRequest),
      applicants: [
        {
          first_name: 'Jane',
          last_name: 'Doe',
          email: 'jane@example.com',
          verifications: [{ type: 'income_verification' }, { type: 'identity_verification' }],
        },
      ],
      webhook_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      correlation_id: 'contract-webhooks',
    };
    const created = await client.createApplicantGroup(request);
    const applicant = (await client.getApplicantGroup(created.id)).applicants?.[0];
    if (!applicant) throw new Error('no applicant read back');
    await raw(`/sandbox/platform/applicants/${applicant.id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    // 2 x (STARTED + COMPLETED) + 2 x REPORT_READY; the receiver answers at once.
    for (let i = 0; i < 200 && received.length < 6; i++) await new Promise((r) => setTimeout(r, 25));
    expect(received).toHaveLength(6);
    const bodies = received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    for (const body of bodies) expect(problemsAgainst(DocumentedWebhook, body)).toEqual([]);
    const fixtureFor = {
      VERIFICATION_STARTED: documented.webhooks.started.body,
      VERIFICATION_COMPLETED: documented.webhooks.completed.body,
      REPORT_READY: documented.webhooks.reportReady.body,
    } as Record<string, Record<string, unknown>>;
    for (const body of bodies) expect(keys(body)).toEqual(keys(fixtureFor[body.code as string] ?? {}));
    for (const r of received) expect(r.headers['verification-signature']).toMatch(/^[0-9a-f]{64}$/);

    const authorization = await token();
    for (const ready of bodies.filter((b) => b.code === 'REPORT_READY')) {
      const data = await (
        await raw(`/api/v1/reports/${ready.report_id}`, { headers: { authorization } })
      ).json();
      expect(problemsAgainst(DocumentedReportData, data)).toEqual([]);
    }
  });
});
