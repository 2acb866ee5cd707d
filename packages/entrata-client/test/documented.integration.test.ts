/**
 * Contract tests: the documented Entrata examples in fixtures/documented are run against the production client
 * AND the sandbox. The client must send documented requests and read documented answers; the sandbox must
 * accept documented requests and answer in documented shapes. Neither is checked against the other.
 */
import { createLogger } from '@autoverify/logger';
import { SEND_LEASE_DOCUMENTS_PARTS as SANDBOX_PARTS, type Sandbox, startSandbox } from '@autoverify/sandbox';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEntrataClient, parseRateLimitHeaders, SEND_LEASE_DOCUMENTS_PARTS } from '../src/index.ts';
import {
  type DocumentedCall,
  documented,
  documentedHeaders,
  type Json,
  paramProblems,
  shapeProblems,
} from './documented/contract.ts';

const logger = createLogger({ service: 'entrata-contract-test', level: 'silent' });
const ORIGIN = 'https://acme.entrata.test';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const METHOD_FIXTURES = [
  'get-leads',
  'get-leases',
  'get-lease-pick-list',
  'get-lease-documents-list',
  'send-lease-documents',
  'error-in-body',
];

describe('the production client against the documented examples', () => {
  let agent: MockAgent;
  let sent: { method: string; params: unknown; query: string }[];

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    sent = [];
  });
  afterEach(() => agent.close());

  /** Entrata answering every call of `call.service` with the documented body. */
  function answerWith(call: DocumentedCall, times = 1) {
    agent
      .get(ORIGIN)
      .intercept({ path: new RegExp(`^/ext/orgs/acme/v1/${call.service}(\\?|$)`), method: 'POST' })
      .reply(call.http, (opts) => {
        // A multipart upload carries the envelope in a part (undici's own FormData class, hence no instanceof).
        const raw = opts.body as { get?: (name: string) => unknown } | string;
        const text =
          typeof raw === 'object' && raw.get
            ? String(raw.get(SEND_LEASE_DOCUMENTS_PARTS.request))
            : String(raw);
        const envelope = JSON.parse(text);
        sent.push({
          method: envelope.method.name,
          params: envelope.method.params,
          query: opts.path.split('?')[1] ?? '',
        });
        return call.response as object;
      })
      .times(times);
  }

  const client = () =>
    createEntrataClient({
      baseUrl: `${ORIGIN}/ext/orgs/acme/v1`,
      auth: { type: 'apikey', apiKey: 'k' },
      tenantId: 'acme',
      requestsPerMinute: 6000,
      logger,
      dispatcher: agent,
      maxAttempts: 1,
    });

  it('getLeads: asks by leadId with documented params, reads prospects without leadId', async () => {
    const call = documented('get-leads');
    answerWith(call, 2);
    const found = await client().findApplication({ propertyId: '100200', applicationId: '2000001' });
    await client().getLeads({
      propertyId: 100200,
      createdOnDateFrom: new Date('2026-11-20T12:00:00Z'),
      createdOnDateTo: '2026-11-24',
    });
    for (const s of sent) expect(paramProblems(call, s.params)).toEqual([]);
    expect(sent[0]?.params).toEqual({ propertyId: 100200, leadId: 2000001 });
    expect(sent[0]?.query).toMatch(/^page_no=1&per_page=\d+$/);
    expect(found).toEqual({
      applicationId: '2000001',
      status: 'Application Completed',
      createdOn: '2026-11-24T15:04:05.000Z',
      customers: [
        {
          customerId: '5000001',
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          cellPhoneNumber: '3035550123',
        },
        {
          customerId: '5000002',
          firstName: 'Charles',
          lastName: 'Babbage',
          personalPhoneNumber: '3035550124',
          officePhoneNumber: '3035550125',
          faxPhoneNumber: '3035550126',
        },
      ],
    });
  });

  it('getLeases r2: reads each customer role (customerType), integer customer ids included', async () => {
    const call = documented('get-leases');
    answerWith(call);
    const leases = await client().getLeases({ propertyId: '100200', applicationId: '2000001' });
    expect(paramProblems(call, sent[0]?.params)).toEqual([]);
    expect(leases).toEqual([
      {
        leaseId: '4000001',
        customers: [
          {
            customerId: '5000001',
            customerType: 'Primary',
            relationshipName: 'Primary',
            firstName: 'Ada',
            lastName: 'Lovelace',
          },
          {
            customerId: '5000002',
            customerType: 'Guarantor',
            relationshipName: 'Parent',
            firstName: 'Charles',
            lastName: 'Babbage',
          },
        ],
      },
    ]);
  });

  it('getLeasePickList: unwraps @attributes, systemCode absent on customer-defined types', async () => {
    const call = documented('get-lease-pick-list');
    answerWith(call);
    const { fileTypes } = await client().getLeasePickList();
    expect(paramProblems(call, sent[0]?.params)).toEqual([]);
    expect(fileTypes).toEqual([
      { id: '41', systemCode: 'LEASE', name: 'Lease Document' },
      { id: '7001', name: 'Proof of Income' },
      { id: '7002', name: 'Applicant Identification' },
    ]);
  });

  it('getLeaseDocumentsList: asks by propertyId + leaseId, pages, reads the documents', async () => {
    const call = documented('get-lease-documents-list');
    answerWith(call);
    const documents = await client().getLeaseDocumentsList({ propertyId: '100200', leaseId: '4000001' });
    expect(paramProblems(call, sent[0]?.params)).toEqual([]);
    expect(sent[0]?.query).toMatch(/^page_no=1&per_page=\d+$/);
    expect(documents).toEqual([
      {
        fileId: '9000001',
        fileName: 'Income Verification Report - Household - rep_1.pdf',
        fileTypeName: 'Proof of Income',
        leaseId: '4000001',
      },
    ]);
  });

  it('sendLeaseDocuments: documented params per file, reads files.file[]', async () => {
    const call = documented('send-lease-documents');
    answerWith(call);
    const files = await client().sendLeaseDocuments({
      propertyId: '100200',
      applicationId: '2000001',
      customerIds: ['5000001', '5000002'],
      file: { fileName: 'a.pdf', fileTypeId: '7001', bytes: PDF, contentType: 'application/pdf' },
      isShowInResidentPortal: false,
    });
    expect(paramProblems(call, sent[0]?.params)).toEqual([]);
    expect(files).toEqual([{ fileId: '9000001', status: 'Success', message: 'File uploaded successfully.' }]);
  });

  it('an error in the body with HTTP 200 is an error, not a result', async () => {
    const call = documented('error-in-body');
    answerWith(call);
    await expect(client().getLeads({ propertyId: 1 })).rejects.toMatchObject({
      name: 'EntrataError',
      kind: 'api',
      code: 304,
      httpStatus: 200,
      retryable: false,
    });
  });

  it('reads the documented rate-limit headers', () => {
    const windows = parseRateLimitHeaders(documentedHeaders('rate-limit-headers'));
    expect(windows.map((w) => [w.unit, w.limit, w.remaining, w.resetSeconds])).toEqual([
      ['DAY', 15000, 14990, 43200],
      ['HOUR', 1000, 990, 1800],
      ['MINUTE', 150, 0, 30],
    ]);
  });
});

describe('the sandbox against the documented examples', () => {
  let sandbox: Sandbox;

  async function control(method: string, path: string, body?: unknown) {
    const res = await fetch(`${sandbox.url}/sandbox${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** The documented request, sent as is (multipart for an upload, with one PDF per file entry). */
  async function send(call: DocumentedCall) {
    const url = `${sandbox.url}/ext/orgs/acme/v1/${call.service}`;
    const headers = { 'x-api-key': 'acme-key' };
    let res: Response;
    if (call.method === 'sendLeaseDocuments') {
      const form = new FormData();
      form.append(SANDBOX_PARTS.envelope, JSON.stringify(call.request));
      form.append('file1', new Blob([PDF], { type: 'application/pdf' }), 'report.pdf');
      res = await fetch(url, { method: 'POST', headers, body: form });
    } else {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(call.request),
      });
    }
    return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, smtpPort: 0, logLevel: 'silent' });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  beforeEach(async () => {
    // The documented examples use these ids: the first application, lease and customers after a reset.
    await control('POST', '/reset');
    await control('PUT', '/entrata/orgs/acme', {
      tenantId: 'acme',
      apiKey: 'acme-key',
      webhook: { mode: 'hmac', secret: 'whsec' },
      fileTypes: [
        { id: '41', systemCode: 'LEASE', name: 'Lease Document' },
        { id: '7001', name: 'Proof of Income' },
        { id: '7002', name: 'Applicant Identification' },
      ],
      properties: [
        {
          propertyId: 100200,
          name: 'Elm Court',
          address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
        },
      ],
    });
    await control('POST', '/entrata/orgs/acme/applications', {
      propertyId: 100200,
      webhook: 'none',
      applicants: [
        {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          phones: { cell: '3035550123' },
          customerType: 'Primary',
        },
        {
          firstName: 'Charles',
          lastName: 'Babbage',
          phones: { personal: '3035550124', office: '3035550125', fax: '3035550126' },
          customerType: 'Guarantor',
          relationshipName: 'Parent',
        },
      ],
    });
  });

  for (const name of METHOD_FIXTURES) {
    it(`${name}: accepts the documented request and answers in the documented shape`, async () => {
      if (name === 'get-lease-documents-list') await send(documented('send-lease-documents'));
      const call = documented(name);
      const answer = await send(call);
      expect(answer.status).toBe(call.http);
      expect(shapeProblems(call.response, answer.body)).toEqual([]);
    });
  }

  it('keeps documented absences: no leadId on prospects, no email key without an email, no systemCode on customer-defined types', async () => {
    const leads = (await send(documented('get-leads'))).body as Json;
    const [prospect] = leads.response.result.prospects.prospect;
    expect(prospect).not.toHaveProperty('leadId');
    expect(prospect.customers.customer[1]).not.toHaveProperty('email');
    const pickList = (await send(documented('get-lease-pick-list'))).body as Json;
    const items = pickList.response.result.leaseFileTypes.leaseFileType;
    expect(items.find((t: Json) => t['@attributes'].id === '7001')['@attributes']).not.toHaveProperty(
      'systemCode',
    );
    expect(items.find((t: Json) => t['@attributes'].id === '41')['@attributes'].systemCode).toBe('LEASE');
  });

  it('sends the documented rate-limit headers', async () => {
    const answer = await send(documented('get-leads'));
    const limit = documentedHeaders('rate-limit-headers')['X-RateLimit-Limit'] as string;
    expect(answer.headers.get('x-ratelimit-limit')).toBe(limit);
    for (const name of ['x-ratelimit-remaining', 'x-ratelimit-reset'])
      expect(answer.headers.get(name)).toMatch(/^\d+\/DAY;\d+\/HOUR;\d+\/MINUTE$/);
  });

  it('the shape check itself catches drift (a leadId on a prospect, a wrapped item unwrapped)', () => {
    const leads = documented('get-leads').response as Json;
    const drifted = structuredClone(leads);
    drifted.response.result.prospects.prospect[0].leadId = '2000001';
    expect(shapeProblems(leads, drifted)).toEqual([
      '$.response.result.prospects.prospect[0].leadId: not in the documented shape',
    ]);
    const pickList = documented('get-lease-pick-list').response as Json;
    const unwrapped = structuredClone(pickList);
    unwrapped.response.result.leaseFileTypes.leaseFileType[0] = { id: '41', name: 'Lease Document' };
    expect(shapeProblems(pickList, unwrapped)).toContain(
      '$.response.result.leaseFileTypes.leaseFileType[0].@attributes: documented, missing',
    );
  });
});
