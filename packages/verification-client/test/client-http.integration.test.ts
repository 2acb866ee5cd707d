import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@autoverify/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreateApplicantGroupRequest,
  createVerificationClient,
  InvalidReportError,
  type VerificationClient,
  VerificationPlatformError,
} from '../src/index.ts';

// Behaviour against a scripted HTTP server: what the real platform cannot be made to do on demand
// (401 on a valid token, 429, 5xx, slow answers, truncated PDFs).

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

// The documented group echo (no applicants) and the assumed read-back with applicants.
const group = {
  id: 'grp_1',
  status: 'pending',
  correlation_id: 'app-1',
  monthly_rent_cents: 150000,
  created_at_timestamp: 1764000000.5,
  verification_types: ['income_verification'],
};
const groupRead = {
  ...group,
  applicants: [
    {
      id: 'apl_1',
      verifications: [
        { id: 'ver_1', type: 'income_verification', verification_url: 'https://v.example.com/1' },
      ],
    },
  ],
};

let server: Server;
let routes: Route[];
let log: string[];
let client: VerificationClient;

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

// Documented: the token comes in the Authorization response header, the body is empty.
const auth: Route = (_req, res) => {
  res.writeHead(200, { authorization: `Bearer tok-${log.length}` });
  res.end();
};

const createRequest = (extra: Partial<CreateApplicantGroupRequest> = {}): CreateApplicantGroupRequest => ({
  applicants: [
    {
      first_name: 'Ada',
      last_name: 'L',
      email: 'ada@example.com',
      phone_number: '+13035550123',
      verifications: [{ type: 'income_verification' }],
    },
  ],
  property: { name: 'P', street_address: '1 Main', city: 'Denver', state: 'CO', zip_code: '80202' },
  decision_maker_display_name: 'Acme PM',
  monthly_rent: 150000,
  webhook_url: 'http://127.0.0.1:3001/webhooks/verification-platform',
  is_invitation_disabled: true,
  correlation_id: 'app-1',
  ...extra,
});

beforeEach(async () => {
  routes = [];
  log = [];
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    log.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`.trim());
    const route = routes.shift();
    if (!route) return reply(res, 500, { error: 'no scripted answer' });
    route(req, res, body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  client = createVerificationClient({
    baseUrl: `http://127.0.0.1:${port}`,
    clientId: 'cid',
    secretKey: 'sk',
    logger: createLogger({ service: 'test', level: 'silent' }),
    timeoutMs: 300,
    retry: { attempts: 3, initialMs: 5, maxMs: 20 },
  });
});

afterEach(async () => {
  await client.close();
  server.close();
});

describe('verification client over HTTP', () => {
  it('authenticates once and reuses the token', async () => {
    routes.push(
      auth,
      (_q, res) => reply(res, 200, group),
      (_q, res) => reply(res, 200, group),
    );
    await client.getApplicantGroup('grp_1');
    await client.getApplicantGroup('grp_1');
    expect(log).toEqual([
      'POST /api/v1/tenants/auth',
      'GET /api/v1/applicant_groups/grp_1 Bearer tok-1',
      'GET /api/v1/applicant_groups/grp_1 Bearer tok-1',
    ]);
  });

  it('gets a new token once on a 401, then gives up', async () => {
    routes.push(
      auth,
      (_q, res) => reply(res, 401, { error: 'expired' }),
      auth,
      (_q, res) => reply(res, 200, group),
    );
    await expect(client.getApplicantGroup('grp_1')).resolves.toMatchObject({ id: 'grp_1' });
    expect(log.filter((l) => l.startsWith('POST /api/v1/tenants/auth'))).toHaveLength(2);

    routes.push(
      (_q, res) => reply(res, 401, {}),
      auth,
      (_q, res) => reply(res, 401, {}),
    );
    await expect(client.getApplicantGroup('grp_1')).rejects.toMatchObject({ status: 401, retryable: false });
  });

  it('sends the create request as given, accepts 200 and needs no applicants array', async () => {
    let sent: unknown;
    routes.push(auth, (_q, res, body) => {
      sent = JSON.parse(body);
      reply(res, 200, group);
    });
    const created = await client.createApplicantGroup(createRequest());
    expect(sent).toEqual(createRequest());
    expect(created).toMatchObject({ id: 'grp_1', status: 'pending', monthlyRentCents: 150000 });
    expect(created.applicants).toBeUndefined();

    routes.push((_q, res) => reply(res, 200, groupRead));
    const read = await client.getApplicantGroup('grp_1');
    expect(read.applicants?.[0]?.verifications[0]).toMatchObject({
      id: 'ver_1',
      kind: 'income',
      link: 'https://v.example.com/1',
    });
  });

  it('refuses a request the platform would reject before calling it', async () => {
    for (const bad of [
      createRequest({ monthly_rent: 0 }),
      createRequest({ monthly_rent: 1500.5 }),
      createRequest({ decision_maker_display_name: ' ' }),
      createRequest({
        applicants: [
          {
            first_name: 'A',
            last_name: 'B',
            phone_number: '303-555-0123',
            verifications: [{ type: 'income_verification' }],
          },
        ],
      }),
    ])
      await expect(client.createApplicantGroup(bad)).rejects.toMatchObject({
        kind: 'invalid_request',
        retryable: false,
      });
    expect(log).toEqual([]);
  });

  it('honours Retry-After on 429 and retries', async () => {
    routes.push(
      auth,
      (_q, res) => reply(res, 429, {}, { 'retry-after': '0.2' }),
      (_q, res) => reply(res, 200, group),
    );
    const started = Date.now();
    await client.getApplicantGroup('grp_1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('retries 5xx for reads but not for creates (the caller recovers by correlation id)', async () => {
    routes.push(
      auth,
      (_q, res) => reply(res, 503, {}),
      (_q, res) => reply(res, 200, group),
    );
    await expect(client.getApplicantGroup('grp_1')).resolves.toBeDefined();

    routes.push((_q, res) => reply(res, 500, { error: 'boom' }));
    const error = await client.createApplicantGroup(createRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationPlatformError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(log.filter((l) => l.startsWith('POST /api/v1/applicant_groups'))).toHaveLength(1);
  });

  it('reports 4xx as permanent with the problems the platform listed', async () => {
    routes.push(auth, (_q, res) =>
      reply(res, 400, { errors: [{ field: 'applicants[0].email', message: 'is invalid' }] }),
    );
    await expect(client.updateApplicant('grp_1', 'apl_1', { email: 'x@example.com' })).rejects.toMatchObject({
      status: 400,
      retryable: false,
      problems: [{ field: 'applicants[0].email', message: 'is invalid' }],
    });
  });

  it('gives up after the attempts with a retryable timeout error', async () => {
    const slow: Route = (_q, res) => setTimeout(() => reply(res, 200, group), 1000);
    routes.push(auth, slow, slow, slow);
    await expect(client.getApplicantGroup('grp_1')).rejects.toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
  });

  it('finds a group by correlation id, ignoring groups of other ids', async () => {
    routes.push(auth, (_q, res) =>
      reply(res, 200, { applicant_groups: [{ ...group, id: 'other', correlation_id: 'x' }, group] }),
    );
    await expect(client.findApplicantGroupByCorrelationId('app-1')).resolves.toMatchObject({ id: 'grp_1' });
    expect(log[1]).toContain('/api/v1/applicant_groups?correlation_id=app-1');
    routes.push((_q, res) => reply(res, 200, []));
    await expect(client.findApplicantGroupByCorrelationId('app-2')).resolves.toBeUndefined();
  });

  it('fetches a report: the documented data, then its pdf_url without our token; rejects a truncated PDF', async () => {
    const pdf = Buffer.from('%PDF-1.4\nbody\n%%EOF\n');
    const { port } = server.address() as AddressInfo;
    const data: Route = (_q, res) =>
      reply(res, 200, {
        report_id: 'rep_1',
        report_type: 'income',
        applicant_group_id: 'grp_1',
        pdf_url: `http://127.0.0.1:${port}/files/rep_1.pdf?signature=abc`,
        data: {},
      });
    const sendPdf =
      (bytes: Buffer): Route =>
      (req, res) => {
        expect(req.headers.accept).toBe('application/pdf');
        expect(req.headers.authorization).toBeUndefined();
        res.writeHead(200, { 'content-type': 'application/pdf' });
        res.end(bytes);
      };
    routes.push(auth, data, sendPdf(pdf));
    const report = await client.getReport('rep_1');
    expect(report).toMatchObject({ reportId: 'rep_1', reportType: 'income', applicantGroupId: 'grp_1' });
    await expect(client.downloadReport('rep_1', report)).resolves.toEqual({
      bytes: pdf,
      contentType: 'application/pdf',
    });
    expect(log.slice(1)).toEqual([
      'GET /api/v1/reports/rep_1 Bearer tok-1',
      'GET /files/rep_1.pdf?signature=abc',
    ]);
    routes.push(data, sendPdf(pdf.subarray(0, 12)));
    await expect(
      client.getReport('rep_1').then((data) => client.downloadReport('rep_1', data)),
    ).rejects.toBeInstanceOf(InvalidReportError);
  });

  it('refuses an answer over its size cap, JSON and PDF each with their own cap, without retrying', async () => {
    const { port } = server.address() as AddressInfo;
    const capped = createVerificationClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: 'cid',
      secretKey: 'sk',
      logger: createLogger({ service: 'test', level: 'silent' }),
      timeoutMs: 2_000,
      retry: { attempts: 3, initialMs: 5, maxMs: 20 },
      maxResponseBytes: 4096,
      maxReportBytes: 64 * 1024,
    });
    // Streamed without Content-Length, so the cap is enforced on the bytes read, not on a declared size.
    const streamed =
      (bytes: number, contentType = 'application/json'): Route =>
      (_q, res) => {
        res.writeHead(200, { 'content-type': contentType, 'transfer-encoding': 'chunked' });
        res.write(`{"id":"grp_1","pad":"`);
        res.end(`${'x'.repeat(bytes)}"}`);
      };
    try {
      routes.push(auth, streamed(10_000));
      const error = await capped.getApplicantGroup('grp_1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VerificationPlatformError);
      expect(error).toMatchObject({ kind: 'response_too_large', retryable: false });
      expect((error as Error).message).toContain('more than 4096 bytes');
      expect(log).toHaveLength(2);

      // A report PDF may be far larger than an API answer, but not unbounded.
      const reportData: Route = (_q, res) =>
        reply(res, 200, {
          report_id: 'rep_1',
          pdf_url: `http://127.0.0.1:${port}/files/rep_1.pdf?signature=abc`,
        });
      const pdf = Buffer.concat([
        Buffer.from('%PDF-1.4\n'),
        Buffer.alloc(20_000, 32),
        Buffer.from('\n%%EOF\n'),
      ]);
      const sendPdf: Route = (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        res.end(pdf);
      };
      routes.push(reportData, sendPdf);
      const report = await capped.getReport('rep_1');
      await expect(capped.downloadReport('rep_1', report)).resolves.toMatchObject({ bytes: pdf });
      routes.push(reportData, streamed(100_000, 'application/pdf'));
      await expect(
        capped.getReport('rep_1').then((data) => capped.downloadReport('rep_1', data)),
      ).rejects.toMatchObject({ kind: 'response_too_large', retryable: false });
    } finally {
      await capped.close();
    }
  });
});
