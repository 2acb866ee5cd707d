import { createLogger } from '@autoverify/logger';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEntrataClient, type EntrataClientOptions } from './client.ts';
import type { Clock } from './rate-limiter.ts';
import { SEND_LEASE_DOCUMENTS_PARTS } from './transport.ts';

const ORIGIN = 'https://acme.entrata.test';
/** getLeads, whatever page is asked for (the page is in the query string). */
const LEADS = /^\/ext\/orgs\/acme\/v1\/leads(\?|$)/;
const logger = createLogger({ service: 'test', level: 'silent' });
const ok = (result: unknown) => ({ response: { requestId: 'x', code: 200, result } });
const err = (code: number | string, message = 'e') => ({ response: { error: { code, message } } });

let agent: MockAgent;
let clock: Clock & { slept: number[] };

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  let now = 0;
  const slept: number[] = [];
  clock = {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
});
afterEach(() => agent.close());

function client(overrides: Partial<EntrataClientOptions> = {}) {
  return createEntrataClient({
    baseUrl: `${ORIGIN}/ext/orgs/acme/v1`,
    auth: { type: 'apikey', apiKey: 'k-123' },
    tenantId: 'acme',
    requestsPerMinute: 600,
    logger,
    dispatcher: agent,
    clock,
    random: () => 0.5,
    ...overrides,
  });
}

describe('createEntrataClient', () => {
  it('posts the RPC envelope with the API key to base/service, the page in the query', async () => {
    let seen: { headers: Record<string, string>; body: unknown } | undefined;
    agent
      .get(ORIGIN)
      .intercept({
        path: '/ext/orgs/acme/v1/leads',
        method: 'POST',
        query: { page_no: '1', per_page: '100' },
      })
      .reply(200, (opts) => {
        seen = { headers: opts.headers as Record<string, string>, body: JSON.parse(String(opts.body)) };
        return ok({ prospects: { prospect: [] } });
      });
    await client().getLeads({ propertyId: '100200', leadId: '2000001', createdOnDateFrom: '2026-11-20' });
    expect(seen?.headers['x-api-key']).toBe('k-123');
    expect(seen?.body).toMatchObject({
      auth: { type: 'apikey' },
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      method: {
        name: 'getLeads',
        version: 'r1',
        params: { propertyId: 100200, leadId: 2000001, createdOnDateFrom: '11/20/2026' },
      },
    });
  });

  it('finds an application by leadId and recognises it by applicationId (prospects carry no leadId)', async () => {
    let params: unknown;
    agent
      .get(ORIGIN)
      .intercept({ path: LEADS, method: 'POST' })
      .reply(200, (opts) => {
        params = JSON.parse(String(opts.body)).method.params;
        return ok({
          prospects: {
            prospect: [
              { applicationId: '2000009', status: 'x', customers: { customer: [] } },
              { applicationId: '2000001', status: 'Application Completed', customers: { customer: [] } },
            ],
          },
        });
      });
    const found = await client().findApplication({ propertyId: 100200, applicationId: '2000001' });
    expect(params).toEqual({ propertyId: 100200, leadId: 2000001 });
    expect(found).toEqual({ applicationId: '2000001', status: 'Application Completed', customers: [] });
  });

  it('pages getLeads until a short page', async () => {
    const pool = agent.get(ORIGIN);
    const prospect = (id: number) => ({ applicationId: id, status: 's', customers: [] });
    const pages: string[] = [];
    for (const [pageNo, ids] of [
      ['1', [1, 2]],
      ['2', [3, 4]],
      ['3', [5]],
    ] as const) {
      pool
        .intercept({
          path: '/ext/orgs/acme/v1/leads',
          method: 'POST',
          query: { page_no: pageNo, per_page: '2' },
        })
        .reply(200, () => {
          pages.push(pageNo);
          return ok({ prospects: { prospect: ids.map(prospect) } });
        });
    }
    const seen: string[][] = [];
    for await (const page of client({ pageSize: 2 }).eachLeadsPage({ propertyId: 1 }))
      seen.push(page.map((p) => p.applicationId ?? ''));
    expect(seen).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('fails visibly when page_no is ignored instead of looping', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: LEADS, method: 'POST' })
      .reply(200, ok({ prospects: { prospect: [{ applicationId: 1, status: 's', customers: [] }] } }))
      .times(2);
    const pages = client({ pageSize: 1 }).eachLeadsPage({ propertyId: 1 });
    await expect(
      (async () => {
        for await (const _ of pages);
      })(),
    ).rejects.toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('page 2 repeats') });
  });

  it('reads the lease documents of a lease, never by application', async () => {
    let params: unknown;
    agent
      .get(ORIGIN)
      .intercept({ path: /\/ext\/orgs\/acme\/v1\/leases\?page_no=1/, method: 'POST' })
      .reply(200, (opts) => {
        params = JSON.parse(String(opts.body)).method.params;
        return ok({ leaseDocuments: { leaseDocument: [{ id: 9, name: 'a.pdf', type: 'Proof of Income' }] } });
      });
    const documents = await client().getLeaseDocumentsList({ propertyId: '100200', leaseId: '4000001' });
    expect(params).toEqual({ propertyId: 100200, leaseId: 4000001 });
    expect(documents).toEqual([{ fileId: '9', fileName: 'a.pdf', fileTypeName: 'Proof of Income' }]);
  });

  it('uses HTTP Basic for the legacy credentials', async () => {
    let authorization: string | undefined;
    agent
      .get(ORIGIN)
      .intercept({ path: '/api/v1/leases', method: 'POST' })
      .reply(200, (opts) => {
        authorization = (opts.headers as Record<string, string>).authorization;
        return ok({ leases: { lease: [] } });
      });
    await client({
      baseUrl: `${ORIGIN}/api/v1`,
      auth: { type: 'basic', username: 'u', password: 'p' },
    }).getLeases({
      propertyId: 1,
      applicationId: 2,
    });
    expect(authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('retries 310 and 5xx with backoff, then succeeds', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: LEADS, method: 'POST' }).reply(200, err(310));
    pool.intercept({ path: LEADS, method: 'POST' }).reply(503, 'down');
    pool.intercept({ path: LEADS, method: 'POST' }).reply(200, ok({ prospects: [] }));
    await expect(client().getLeads({ propertyId: 1 })).resolves.toEqual([]);
    expect(clock.slept).toEqual([125, 250]);
  });

  it('honours Retry-After on a 429', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: LEADS, method: 'POST' }).reply(429, err(429), { headers: { 'retry-after': '7' } });
    pool.intercept({ path: LEADS, method: 'POST' }).reply(200, ok({ prospects: [] }));
    await client().getLeads({ propertyId: 1 });
    expect(clock.slept.some((ms) => ms >= 7000)).toBe(true);
  });

  it('does not retry a non-retryable error and gives a typed error', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: LEADS, method: 'POST' })
      .reply(200, err('304', 'Invalid parameters.'));
    await expect(client().getLeads({ propertyId: 1 })).rejects.toMatchObject({
      name: 'EntrataError',
      kind: 'api',
      code: 304,
      httpStatus: 200,
      retryable: false,
      attempts: 1,
    });
  });

  it('gives up after maxAttempts with the last retryable error', async () => {
    agent.get(ORIGIN).intercept({ path: LEADS, method: 'POST' }).reply(500, err(500)).times(3);
    await expect(client({ maxAttempts: 3 }).getLeads({ propertyId: 1 })).rejects.toMatchObject({
      retryable: true,
      attempts: 3,
    });
  });

  it('reports a response missing what we rely on as invalid_response', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: LEADS, method: 'POST' })
      .reply(
        200,
        ok({ prospects: { prospect: { applicationId: 1, customers: { customer: { firstName: 'X' } } } } }),
      );
    await expect(client().getLeads({ propertyId: 1 })).rejects.toThrow(/customers\/customer\/0.*customerId/);
  });

  it('sends a document as multipart with the envelope and file parts, never repeating an ambiguous failure', async () => {
    let form: FormData | undefined;
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/ext/orgs/acme/v1/leases', method: 'POST' }).reply(200, (opts) => {
      form = opts.body as unknown as FormData;
      return ok({ files: { file: { fileId: 9000001, status: 'Success' } } });
    });
    const files = await client().sendLeaseDocuments({
      propertyId: '100200',
      applicationId: '2000001',
      customerIds: ['5000001', '5000002'],
      file: {
        fileName: 'income.pdf',
        fileTypeId: '7001',
        bytes: Buffer.from('%PDF-1.7'),
        contentType: 'application/pdf',
      },
      isShowInResidentPortal: false,
    });
    expect(files).toEqual([{ fileId: '9000001', status: 'Success' }]);
    expect(form?.get(SEND_LEASE_DOCUMENTS_PARTS.requestContentType)).toBe('APPLICATION/JSON; CHARSET=UTF-8');
    const envelope = JSON.parse(String(form?.get(SEND_LEASE_DOCUMENTS_PARTS.request)));
    expect(envelope.method).toMatchObject({
      name: 'sendLeaseDocuments',
      params: {
        propertyId: 100200,
        applicationId: 2000001,
        files: {
          file: [
            {
              fileName: 'income.pdf',
              fileTypeId: 7001,
              isShowInResidentPortal: 0,
              customerIds: '5000001,5000002',
            },
          ],
        },
      },
    });
    const file = form?.get(SEND_LEASE_DOCUMENTS_PARTS.file(1)) as File;
    expect(file.name).toBe('income.pdf');
    expect(file.type).toBe('application/pdf');

    pool.intercept({ path: '/ext/orgs/acme/v1/leases', method: 'POST' }).reply(500, err(500));
    await expect(
      client().sendLeaseDocuments({
        propertyId: 1,
        applicationId: 2,
        customerIds: ['3'],
        file: {
          fileName: 'a.pdf',
          fileTypeId: '7001',
          bytes: Buffer.from('%PDF'),
          contentType: 'application/pdf',
        },
        isShowInResidentPortal: false,
      }),
    ).rejects.toMatchObject({ retryable: true, attempts: 1 });
  });
});
