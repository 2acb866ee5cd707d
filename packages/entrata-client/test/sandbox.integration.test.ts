import { createLogger } from '@autoverify/logger';
import { SEND_LEASE_DOCUMENTS_PARTS as SANDBOX_PARTS, type Sandbox, startSandbox } from '@autoverify/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEntrataClient, type EntrataClientOptions, SEND_LEASE_DOCUMENTS_PARTS } from '../src/index.ts';

const logger = createLogger({ service: 'entrata-client-test', level: 'silent' });
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PROPERTY = 100200;

let sandbox: Sandbox;

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => undefined)) as any;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function client(overrides: Partial<EntrataClientOptions> = {}) {
  return createEntrataClient({
    baseUrl: `${sandbox.url}/ext/orgs/acme/v1`,
    auth: { type: 'apikey', apiKey: 'acme-key' },
    tenantId: 'acme',
    requestsPerMinute: 600,
    logger,
    backoff: { baseMs: 10, maxMs: 50 },
    ...overrides,
  });
}

async function submit() {
  return control('POST', '/entrata/orgs/acme/applications', {
    propertyId: PROPERTY,
    webhook: 'none',
    applicants: [
      {
        firstName: 'Ann',
        lastName: 'Lee',
        email: 'ann@example.com',
        phones: { cell: '+13035550100' },
        customerType: 'Primary',
      },
      { firstName: 'Bo', lastName: 'Lee', customerType: 'Guarantor', relationshipName: 'Parent' },
      { firstName: 'Cy', lastName: 'Lee', customerType: 'Occupant' },
    ],
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, smtpPort: 0, logLevel: 'silent' });
});
afterAll(async () => {
  await sandbox?.stop();
});
beforeEach(async () => {
  await control('POST', '/reset');
  await control('PUT', '/entrata/orgs/acme', {
    tenantId: 'acme',
    apiKey: 'acme-key',
    basicAuth: { username: 'api-user', password: 'api-pass' },
    webhook: { mode: 'hmac', secret: 'whsec' },
    properties: [
      {
        propertyId: PROPERTY,
        name: 'Elm Court',
        address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
      },
    ],
  });
});

describe('entrata client against the sandbox', () => {
  it('makes the same (undocumented) multipart part name assumption as the sandbox', () => {
    expect(SEND_LEASE_DOCUMENTS_PARTS.request).toBe(SANDBOX_PARTS.envelope);
    expect(SEND_LEASE_DOCUMENTS_PARTS.requestContentType).toBe(SANDBOX_PARTS.contentType);
    expect(SEND_LEASE_DOCUMENTS_PARTS.file(1)).toMatch(SANDBOX_PARTS.filePattern);
  });

  it('reads prospects (contacts) and lease customers (roles) of an application', async () => {
    const app = await submit();
    const entrata = client();
    try {
      const prospect = await entrata.findApplication({
        propertyId: PROPERTY,
        applicationId: String(app.applicationId),
      });
      expect(prospect).toMatchObject({
        applicationId: String(app.applicationId),
        status: 'Application Completed',
      });
      expect(prospect?.createdOn).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
      expect(Math.abs(Date.parse(prospect?.createdOn ?? '') - Date.now())).toBeLessThan(60_000);
      expect(prospect?.customers[0]).toMatchObject({
        firstName: 'Ann',
        email: 'ann@example.com',
        cellPhoneNumber: '+13035550100',
      });

      const byDate = await entrata.getLeads({
        propertyId: PROPERTY,
        createdOnDateFrom: new Date(Date.now() - 86_400_000),
        createdOnDateTo: new Date(),
      });
      expect(byDate.map((p) => p.applicationId)).toContain(String(app.applicationId));

      const leases = await entrata.getLeases({ propertyId: PROPERTY, applicationId: app.applicationId });
      expect(leases[0]?.customers.map((c) => c.customerType)).toEqual(['Primary', 'Guarantor', 'Occupant']);
      expect(leases[0]?.customers[1]?.relationshipName).toBe('Parent');
      expect(leases[0]?.leaseId).toBe(String(app.leaseId));
      expect(await entrata.findApplication({ propertyId: PROPERTY, applicationId: 1 })).toBeUndefined();
    } finally {
      await entrata.close();
    }
  });

  it('pages through every prospect of a property', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(String((await submit()).applicationId));
    const entrata = client({ pageSize: 2 });
    try {
      const pages: string[][] = [];
      for await (const page of entrata.eachLeadsPage({ propertyId: PROPERTY }))
        pages.push(page.map((p) => p.applicationId ?? ''));
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(ids);
    } finally {
      await entrata.close();
    }
  });

  it("reads the org's file types from getLeasePickList", async () => {
    const entrata = client();
    try {
      const { fileTypes } = await entrata.getLeasePickList();
      expect(fileTypes).toContainEqual({ id: '7001', name: 'Proof of Income' });
      expect(fileTypes.some((t) => t.systemCode)).toBe(true);
    } finally {
      await entrata.close();
    }
  });

  it('uploads a PDF and lists it', async () => {
    const app = await submit();
    const entrata = client();
    try {
      const customerId = String(app.customers[0].customerId);
      const files = await entrata.sendLeaseDocuments({
        propertyId: PROPERTY,
        applicationId: String(app.applicationId),
        customerIds: [customerId],
        file: {
          fileName: 'income-report.pdf',
          fileTypeId: '7001',
          bytes: PDF,
          contentType: 'application/pdf',
        },
        isShowInResidentPortal: false,
      });
      expect(files).toEqual([{ fileId: expect.any(String), status: 'Success', message: expect.any(String) }]);
      const documents = await entrata.getLeaseDocumentsList({ propertyId: PROPERTY, leaseId: app.leaseId });
      expect(documents).toEqual([
        {
          fileId: files[0]?.fileId,
          fileName: 'income-report.pdf',
          fileTypeName: 'Proof of Income',
          leaseId: String(app.leaseId),
        },
      ]);
    } finally {
      await entrata.close();
    }
  });

  it('authenticates with HTTP Basic on the legacy form', async () => {
    await submit();
    const entrata = client({
      baseUrl: `${sandbox.url}/legacy/acme/api/v1`,
      auth: { type: 'basic', username: 'api-user', password: 'api-pass' },
    });
    try {
      expect(await entrata.getLeads({ propertyId: PROPERTY })).toHaveLength(1);
    } finally {
      await entrata.close();
    }
  });

  it('fails at once, typed, on bad credentials and bad parameters', async () => {
    const wrongKey = client({ auth: { type: 'apikey', apiKey: 'nope' } });
    const entrata = client();
    try {
      await expect(wrongKey.getLeads({ propertyId: PROPERTY })).rejects.toMatchObject({
        name: 'EntrataError',
        code: 113,
        httpStatus: 200,
        retryable: false,
        attempts: 1,
      });
      await expect(entrata.getLeads({ propertyId: 999 })).rejects.toMatchObject({
        kind: 'api',
        code: 304,
        retryable: false,
      });
    } finally {
      await wrongKey.close();
      await entrata.close();
    }
  });

  it('retries injected 310 errors and 503s, then succeeds', async () => {
    await submit();
    await control('POST', '/faults', {
      target: 'entrata',
      kind: 'entrata_error',
      code: '310',
      match: 'leads/getLeads',
      count: 2,
    });
    await control('POST', '/faults', {
      target: 'entrata',
      kind: 'http_error',
      status: 503,
      match: 'leads/getLeads',
      count: 1,
    });
    const entrata = client();
    try {
      expect(await entrata.getLeads({ propertyId: PROPERTY })).toHaveLength(1);
      expect((await control('GET', '/faults')).faults).toEqual([]);
    } finally {
      await entrata.close();
    }
  });

  it('honours the sandbox 429 Retry-After and gives up retryably beyond maxWaitMs', async () => {
    await control('POST', '/faults', {
      target: 'entrata',
      kind: 'rate_limit',
      retryAfterSeconds: 120,
      match: 'leads/getLeads',
      count: 1,
    });
    const entrata = client({ maxWaitMs: 5_000 });
    try {
      await expect(entrata.getLeads({ propertyId: PROPERTY })).rejects.toMatchObject({
        retryable: true,
        retryAfterMs: 120_000,
      });
    } finally {
      await entrata.close();
    }
  });

  it('times out a call that hangs and reports it as retryable', async () => {
    await control('POST', '/faults', {
      target: 'entrata',
      kind: 'delay',
      delayMs: 2_000,
      match: 'leads/getLeads',
    });
    const entrata = client({ headersTimeoutMs: 200, maxAttempts: 2 });
    try {
      await expect(entrata.getLeads({ propertyId: PROPERTY })).rejects.toMatchObject({
        kind: 'timeout',
        retryable: true,
        attempts: 2,
      });
    } finally {
      await entrata.close();
    }
  });
});
