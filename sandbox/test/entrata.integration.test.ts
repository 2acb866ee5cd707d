import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, SEND_LEASE_DOCUMENTS_PARTS } from '../src/index.ts';
import {
  call,
  entrata,
  type Json,
  setUpOrg,
  startReceiver,
  startTestSandbox,
  submitApplication,
  waitFor,
} from './helpers.ts';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('fake Entrata', () => {
  let sandbox: Sandbox;
  let ingest: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    ingest = await startReceiver();
    sandbox = await startTestSandbox({ ingestBaseUrl: ingest.url });
  });
  afterAll(async () => {
    await sandbox.stop();
    await ingest.close();
  });
  beforeEach(async () => {
    await call(sandbox, 'POST', '/sandbox/reset');
    ingest.requests.length = 0;
    await setUpOrg(sandbox);
  });

  it('answers getLeads by leadId in the envelope with loose types, MM/DD/YYYY dates, no leadId and no customer type', async () => {
    const app = await submitApplication(sandbox);
    await submitApplication(sandbox);
    const res = await entrata(sandbox, 'leads', 'getLeads', 'r1', {
      propertyId: 100200,
      leadId: String(app.applicationId),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('15000/DAY;1000/HOUR;150/MINUTE');
    expect(res.json.response.requestId).toBe('42');
    expect(res.json.response.code).toBe(200);
    expect(res.json.response.result.prospects.prospect).toHaveLength(1);
    const [prospect] = res.json.response.result.prospects.prospect;
    expect(Object.keys(prospect)).toEqual(['applicationId', 'status', 'createdOn', 'customers']);
    expect(prospect.applicationId).toBe(String(app.applicationId));
    expect(prospect.createdOn).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    const [ann, bo] = prospect.customers.customer;
    expect(ann).toEqual({
      customerId: String(app.customers[0].customerId),
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@example.com',
      cellPhoneNumber: '+13035550100',
    });
    expect(bo).not.toHaveProperty('email');
    expect(bo).not.toHaveProperty('customerType');
  });

  it('ignores getLeads params its model does not have (applicationId) and pages with page_no/per_page', async () => {
    const apps = [];
    for (let i = 0; i < 3; i++) apps.push(await submitApplication(sandbox));
    const ignored = await entrata(sandbox, 'leads', 'getLeads', 'r1', {
      propertyId: 100200,
      applicationId: apps[0].applicationId,
    });
    expect(ignored.json.response.result.prospects.prospect).toHaveLength(3);
    const page = async (query: string) =>
      (
        await call(
          sandbox,
          'POST',
          `/ext/orgs/demo-pm/v1/leads?${query}`,
          {
            auth: { type: 'apikey' },
            requestId: 1,
            method: { name: 'getLeads', params: { propertyId: 100200 } },
          },
          { 'x-api-key': 'demo-key' },
        )
      ).json.response;
    const ids = (r: Json) => r.result.prospects.prospect.map((p: Json) => Number(p.applicationId));
    expect(ids(await page('page_no=1&per_page=2'))).toEqual([apps[0].applicationId, apps[1].applicationId]);
    expect(ids(await page('page_no=2&per_page=2'))).toEqual([apps[2].applicationId]);
    expect(ids(await page('page_no=3&per_page=2'))).toEqual([]);
    expect((await page('page_no=0')).error.code).toBe(304);
  });

  it('filters getLeads by created date and rejects malformed dates in the body', async () => {
    await submitApplication(sandbox);
    const past = await entrata(sandbox, 'leads', 'getLeads', 'r1', {
      propertyId: 100200,
      createdOnDateTo: '01/01/2020',
    });
    expect(past.json.response.result.prospects.prospect).toEqual([]);
    const bad = await entrata(sandbox, 'leads', 'getLeads', 'r1', {
      propertyId: 100200,
      createdOnDateFrom: '2024-01-01',
    });
    expect(bad.status).toBe(200);
    expect(bad.json.response.error.code).toBe(304);
    expect(bad.json.response.error.message).toContain('MM/DD/YYYY');
  });

  it('gives roles from getLeases r2 (code as a string there)', async () => {
    const app = await submitApplication(sandbox);
    const res = await entrata(sandbox, 'leases', 'getLeases', 'r2', {
      propertyId: '100200',
      applicationId: app.applicationId,
    });
    expect(res.json.response.code).toBe('200');
    const [lease] = res.json.response.result.leases.lease;
    expect(lease.id).toBe(String(app.leaseId));
    const customers = lease.customers.customer;
    expect(customers[0].id).toBe(app.customers[0].customerId);
    expect(customers.map((c: { customerType: string }) => c.customerType)).toEqual([
      'Primary',
      'Guarantor',
      'Occupant',
    ]);
    expect(customers[1].relationshipName).toBe('Parent');
  });

  it('reports auth failures, unknown methods, wrong versions and missing params in the body', async () => {
    const auth = await entrata(sandbox, 'leads', 'getLeads', 'r1', { propertyId: 100200 }, 'wrong');
    expect(auth.status).toBe(200);
    expect(auth.json).toEqual({ response: { error: { code: 113, message: expect.any(String) } } });
    expect(auth.json.response.error.code).toBe(113);
    const method = await entrata(sandbox, 'leads', 'getNothing', 'r1', {});
    expect([method.status, method.json.response.error.code]).toEqual([200, 302]);
    const version = await entrata(sandbox, 'leases', 'getLeases', 'r1', { propertyId: 100200 });
    expect(version.json.response.error.code).toBe(303);
    const missing = await entrata(sandbox, 'leads', 'getLeads', 'r1', {});
    expect(missing.json.response.error.message).toContain('propertyId is required');
    const service = await entrata(sandbox, 'nothing', 'getLeads', 'r1', {});
    expect(service.json.response.error.code).toBe(301);
  });

  it('accepts the legacy form with Basic auth', async () => {
    const body = {
      auth: { type: 'basic' },
      requestId: '1',
      method: { name: 'getLeasePickList', version: 'r1', params: {} },
    };
    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const ok = await call(sandbox, 'POST', '/legacy/demo-pm/api/v1/leases', body, {
      authorization: basic('api-user', 'api-pass'),
    });
    const types = ok.json.response.result.leaseFileTypes.leaseFileType.map((t: Json) => t['@attributes']);
    expect(types).toContainEqual({ id: '7001', name: 'Proof of Income' });
    expect(types).toContainEqual({ id: '41', systemCode: 'LEASE', name: 'Lease Document' });
    const bad = await call(sandbox, 'POST', '/legacy/demo-pm/api/v1/leases', body, {
      authorization: basic('api-user', 'x'),
    });
    expect(bad.json.response.error.code).toBe(113);
  });

  it('counts calls per org and service and answers 429 with Retry-After over the minute limit', async () => {
    await setUpOrg(sandbox, { rateLimitPerMinute: 2 });
    const first = await entrata(sandbox, 'leads', 'getLeads', 'r1', { propertyId: 100200 });
    expect(first.headers.get('x-ratelimit-remaining')).toMatch(/;1\/MINUTE$/);
    await entrata(sandbox, 'leads', 'getLeads', 'r1', { propertyId: 100200 });
    const limited = await entrata(sandbox, 'leads', 'getLeads', 'r1', { propertyId: 100200 });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json.response.error.code).toBe('429');
    // Another service has its own counter.
    const other = await entrata(sandbox, 'leases', 'getLeasePickList', 'r1', {});
    expect(other.status).toBe(200);
  });

  describe('sendLeaseDocuments', () => {
    const upload = async (params: Record<string, unknown>, files: { name: string; bytes: Buffer }[]) => {
      const form = new FormData();
      form.append(
        SEND_LEASE_DOCUMENTS_PARTS.envelope,
        JSON.stringify({
          auth: { type: 'apikey' },
          requestId: 7,
          method: { name: 'sendLeaseDocuments', version: 'r1', params },
        }),
      );
      form.append(SEND_LEASE_DOCUMENTS_PARTS.contentType, 'APPLICATION/JSON; CHARSET=UTF-8');
      // Appended out of order: the number in the part name gives the order.
      [...files].reverse().forEach((f, i) => {
        form.append(`file${files.length - i}`, new Blob([f.bytes], { type: 'application/pdf' }), f.name);
      });
      const res = await fetch(`${sandbox.url}/ext/orgs/demo-pm/v1/leases`, {
        method: 'POST',
        headers: { 'x-api-key': 'demo-key' },
        body: form,
      });
      return { status: res.status, json: (await res.json()) as Json };
    };

    it('stores PDFs per application and lists them by lease', async () => {
      const app = await submitApplication(sandbox);
      const ann = app.customers[0].customerId;
      const res = await upload(
        {
          propertyId: 100200,
          applicationId: app.applicationId,
          files: {
            file: [
              {
                fileName: 'income.pdf',
                fileTypeId: '7001',
                isShowInResidentPortal: 0,
                customerIds: String(ann),
              },
            ],
          },
        },
        [{ name: 'income.pdf', bytes: PDF }],
      );
      expect(res.status).toBe(200);
      const [file] = res.json.response.result.files.file;
      expect(file).toMatchObject({ status: 'Success' });
      expect(file.fileId).toMatch(/^\d+$/);

      const list = await entrata(sandbox, 'leases', 'getLeaseDocumentsList', 'r1', {
        propertyId: 100200,
        leaseId: app.leaseId,
      });
      expect(list.json.response.result.leaseDocuments.leaseDocument).toEqual([
        {
          id: Number(file.fileId),
          type: 'Proof of Income',
          name: 'income.pdf',
          title: 'income.pdf',
          leaseId: String(app.leaseId),
        },
      ]);
      const otherLease = await entrata(sandbox, 'leases', 'getLeaseDocumentsList', 'r1', {
        propertyId: 100200,
        leaseId: app.leaseId + 1,
      });
      expect(otherLease.json.response.result.leaseDocuments.leaseDocument).toEqual([]);
      const control = await call(
        sandbox,
        'GET',
        `/sandbox/entrata/orgs/demo-pm/applications/${app.applicationId}/documents`,
      );
      expect(control.json.documents[0]).toMatchObject({ size: PDF.length, fileTypeId: '7001' });
      const download = await fetch(control.json.documents[0].downloadUrl);
      expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF);
    });

    it('accepts one file with flat params and a leaseFileType name', async () => {
      const app = await submitApplication(sandbox);
      const res = await upload(
        {
          propertyId: 100200,
          leaseId: app.leaseId,
          fileName: 'id.pdf',
          leaseFileType: 'Applicant Identification',
        },
        [{ name: 'id.pdf', bytes: PDF }],
      );
      expect(res.json.response.result.files.file[0].status).toBe('Success');
      expect(sandbox.state.entrata.documents[0]?.fileTypeId).toBe('7002');
      const bySystemCode = await upload(
        { propertyId: 100200, leaseId: app.leaseId, fileName: 'lease.pdf', leaseFileType: 'LEASE' },
        [{ name: 'lease.pdf', bytes: PDF }],
      );
      expect(bySystemCode.json.response.result.files.file[0].status).toBe('Success');
      expect(sandbox.state.entrata.documents[1]?.fileTypeId).toBe('41');
    });

    it('rejects non-PDF bytes, unknown file types and more than 50 MB, storing nothing', async () => {
      const app = await submitApplication(sandbox);
      const base = {
        propertyId: 100200,
        applicationId: app.applicationId,
        fileName: 'x.pdf',
        fileTypeId: '7001',
      };
      const notPdf = await upload(base, [{ name: 'x.pdf', bytes: Buffer.from('<html>oops</html>') }]);
      expect(notPdf.status).toBe(200);
      expect(notPdf.json.response.error).toMatchObject({ code: 320 });
      expect(notPdf.json.response.error.message).toContain('not a PDF');
      const badType = await upload({ ...base, fileTypeId: '1' }, [{ name: 'x.pdf', bytes: PDF }]);
      expect(badType.json.response.error.message).toContain('unknown fileTypeId');
      const big = Buffer.alloc(51 * 1024 * 1024, 0x20);
      PDF.copy(big);
      const tooBig = await upload(base, [{ name: 'x.pdf', bytes: big }]);
      expect(tooBig.json.response.error.message).toContain('50 MB');
      expect(sandbox.state.entrata.documents).toHaveLength(0);
    });

    it('refuses JSON bodies and wrongly named parts', async () => {
      const app = await submitApplication(sandbox);
      const json = await entrata(sandbox, 'leases', 'sendLeaseDocuments', 'r1', {
        propertyId: 100200,
        applicationId: app.applicationId,
      });
      expect(json.json.response.error.message).toContain('multipart/form-data');
      const form = new FormData();
      form.append('envelope', '{}');
      const res = await fetch(`${sandbox.url}/ext/orgs/demo-pm/v1/leases`, {
        method: 'POST',
        headers: { 'x-api-key': 'demo-key' },
        body: form,
      });
      expect(((await res.json()) as Json).response.error.message).toContain(
        'Unexpected multipart parts: envelope',
      );
      const unnumbered = new FormData();
      unnumbered.append(SEND_LEASE_DOCUMENTS_PARTS.envelope, '{}');
      unnumbered.append('file', new Blob([PDF], { type: 'application/pdf' }), 'x.pdf');
      const res2 = await fetch(`${sandbox.url}/ext/orgs/demo-pm/v1/leases`, {
        method: 'POST',
        headers: { 'x-api-key': 'demo-key' },
        body: unnumbered,
      });
      expect(((await res2.json()) as Json).response.error.message).toContain(
        'Unexpected multipart parts: file',
      );
    });
  });

  describe('application webhook', () => {
    it('posts a signed application.submitted to ingest that the receiver can verify', async () => {
      const app = await submitApplication(sandbox);
      const req = await waitFor(() => ingest.requests[0]);
      expect(req.url).toBe('/webhooks/entrata/demo');
      const body = JSON.parse(req.body);
      expect(body).toMatchObject({
        event: 'application.submitted',
        org: 'demo-pm',
        propertyId: '100200',
        applicationId: String(app.applicationId),
        leadId: String(app.applicationId),
        eventId: app.webhook.eventId,
      });
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-entrata-signature'])) ?? [];
      expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(10);
      expect(v1).toBe(createHmac('sha256', 'whsec').update(`${t}.${req.body}`).digest('hex'));
    });

    it('retries on non-2xx, can drop or duplicate, and supports Basic auth', async () => {
      ingest.respondWith([500, 503]);
      await submitApplication(sandbox);
      const delivery = await waitFor(() =>
        sandbox.state.webhooks.list('entrata').find((d) => d.state === 'delivered'),
      );
      expect(delivery.attempts.map((a) => a.status)).toEqual([500, 503, 200]);

      ingest.requests.length = 0;
      await submitApplication(sandbox, { webhook: 'drop' });
      const dup = await submitApplication(sandbox, { webhook: 'duplicate' });
      await waitFor(() => ingest.requests.length === 2);
      expect(ingest.requests.map((r) => JSON.parse(r.body).eventId)).toEqual([
        dup.webhook.eventId,
        dup.webhook.eventId,
      ]);
      const deliveries = await call(sandbox, 'GET', '/sandbox/webhooks/deliveries?source=entrata');
      expect(deliveries.json.deliveries.map((d: { state: string }) => d.state)).toContain('dropped');

      await setUpOrg(sandbox, { webhook: { mode: 'basic', username: 'hook', password: 'pw' } });
      ingest.requests.length = 0;
      await submitApplication(sandbox);
      const req = await waitFor(() => ingest.requests[0]);
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from('hook:pw').toString('base64')}`);
    });
  });

  describe('faults', () => {
    it('injects an error envelope with HTTP 200 for the next call only, matched by method', async () => {
      await call(sandbox, 'POST', '/sandbox/faults', {
        target: 'entrata',
        kind: 'entrata_error',
        match: 'leads/getLeads',
        count: 1,
      });
      const picklist = await entrata(sandbox, 'leases', 'getLeasePickList', 'r1', {});
      expect(picklist.json.response.result).toBeDefined();
      const failed = await entrata(sandbox, 'leads', 'getLeads', 'r1', { propertyId: 100200 });
      expect(failed.status).toBe(200);
      expect(failed.json.response.error.code).toBe(310);
      const ok = await entrata(sandbox, 'leads', 'getLeads', 'r1', { propertyId: 100200 });
      expect(ok.json.response.result).toBeDefined();
    });

    it('injects 503, 429 with Retry-After and latency', async () => {
      await call(sandbox, 'POST', '/sandbox/faults', {
        target: 'entrata',
        kind: 'http_error',
        status: 503,
        count: 1,
      });
      expect((await entrata(sandbox, 'leases', 'getLeasePickList', 'r1', {})).status).toBe(503);
      await call(sandbox, 'POST', '/sandbox/faults', {
        target: 'entrata',
        kind: 'rate_limit',
        retryAfterSeconds: 7,
        count: 1,
      });
      const limited = await entrata(sandbox, 'leases', 'getLeasePickList', 'r1', {});
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
      await call(sandbox, 'POST', '/sandbox/faults', {
        target: 'entrata',
        kind: 'delay',
        delayMs: 300,
        count: 1,
      });
      const started = Date.now();
      expect((await entrata(sandbox, 'leases', 'getLeasePickList', 'r1', {})).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect((await call(sandbox, 'GET', '/sandbox/faults')).json.faults).toEqual([]);
    });

    it('refuses a fault kind that does not fit the target', async () => {
      const res = await call(sandbox, 'POST', '/sandbox/faults', {
        target: 'entrata',
        kind: 'smtp_permanent',
      });
      expect(res.status).toBe(400);
      expect(res.json.detail).toContain('does not apply to entrata');
    });
  });

  it('edits a contact: the next getLeads shows it, a removed email is an absent key', async () => {
    const app = await submitApplication(sandbox);
    const ann = app.customers[0].customerId;
    const res = await call(
      sandbox,
      'PATCH',
      `/sandbox/entrata/orgs/demo-pm/applications/${app.applicationId}/applicants/${ann}`,
      {
        email: null,
        phones: { cell: '+13035550199' },
      },
    );
    expect(res.status).toBe(200);
    const leads = await entrata(sandbox, 'leads', 'getLeads', 'r1', { propertyId: 100200 });
    const customer = leads.json.response.result.prospects.prospect[0].customers.customer[0];
    expect(customer).not.toHaveProperty('email');
    expect(customer.cellPhoneNumber).toBe('+13035550199');
  });

  it('validates scenario input with problem details', async () => {
    const res = await call(sandbox, 'POST', '/sandbox/entrata/orgs/demo-pm/applications', {
      propertyId: 100200,
      applicants: [{ firstName: 'A', lastName: 'B', customerType: 'Co-Applicant' }],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json.detail).toContain('exactly one Primary');
    const unknown = await call(sandbox, 'GET', '/sandbox/entrata/orgs/nope');
    expect(unknown.status).toBe(404);
  });
});
