/**
 * `pnpm support tenant check` against the sandbox (its Entrata and verification platform, in-process): a
 * customer set up right passes, and each thing that would keep invites from going out fails with words a
 * person can act on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantSettings } from '@autoverify/contracts';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import { type TenantOverrides, testTenant, testTenantsFile } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantCheckCommand } from '../src/cli/tenant-check.ts';
import { main } from '../src/cli.ts';

const API_KEY = 'acme-entrata-key';
const WEBHOOK_SECRET = 'a'.repeat(64);
const PROPERTY = 100200;

let sandbox: Sandbox;
let dir: string;

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function tenant(overrides: TenantOverrides = {}): TenantSettings {
  const { entrata, defaults, ...rest } = overrides;
  return testTenant('acme', {
    entrata: { baseUrl: `${sandbox.url}/ext/orgs/acme/v1`, propertyIds: [String(PROPERTY)], ...entrata },
    defaults: {
      entrataFileTypes: { income: '7001', identity: { name: 'Applicant Identification' } },
      ...defaults,
    },
    properties: { [PROPERTY]: { name: 'Elm Court' } },
    ...rest,
  });
}

let n = 0;
/** Runs the check as the CLI does, with a tenants file on disk and the given environment. */
async function check(
  settings: TenantSettings,
  options: { env?: Record<string, string | undefined>; rent?: Record<string, number> } = {},
) {
  // Each property's rent setting (monthlyRentCents) comes from `rent`: absent there, the property has none.
  const rent = options.rent ?? { [PROPERTY]: 145_000 };
  const { monthlyRentCents: _ignored, ...defaults } = settings.defaults;
  const properties = Object.fromEntries(
    [...new Set([...Object.keys(settings.properties), ...Object.keys(rent)])].map((id) => [
      id,
      { ...settings.properties[id], ...(rent[id] === undefined ? {} : { monthlyRentCents: rent[id] }) },
    ]),
  );
  const path = join(dir, `tenants-${n++}.json`);
  writeFileSync(path, JSON.stringify(testTenantsFile({ ...settings, defaults, properties })));
  let out = '';
  let err = '';
  const code = await tenantCheckCommand(
    { name: 'tenant check', tenantId: 'acme', json: false },
    {
      TENANTS_FILE: path,
      ACME_ENTRATA_API_KEY: API_KEY,
      ACME_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PLATFORM_BASE_URL: sandbox.url,
      PLATFORM_CLIENT_ID: sandbox.options.platform.clientId,
      PLATFORM_SECRET_KEY: sandbox.options.platform.secretKey,
      ...options.env,
    },
    {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
    },
  );
  return { code, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenant-check-'));
  sandbox = await startSandbox({ httpPort: 0, smtpPort: 0, logLevel: 'silent' });
  await control('PUT', '/entrata/orgs/acme', {
    tenantId: 'acme',
    apiKey: API_KEY,
    webhook: { mode: 'hmac', secret: WEBHOOK_SECRET },
    properties: [
      {
        propertyId: PROPERTY,
        name: 'Elm Court',
        address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
      },
    ],
  });
  await control('POST', '/entrata/orgs/acme/applications', {
    propertyId: PROPERTY,
    webhook: 'none',
    applicants: [
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', customerType: 'Primary' },
    ],
  });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('support tenant check', () => {
  it('passes a customer that is ready, saying what it checked', async () => {
    const { code, out } = await check(tenant());
    expect(out).toContain('Ready: nothing blocks going live');
    expect(out).toContain('leases/getLeasePickList: 4 file types');
    expect(out).toContain('leads/getLeads answers');
    expect(out).toMatch(/leases\/getLeases answers \(application \d+\)/);
    expect(out).toMatch(/leases\/getLeaseDocumentsList answers \(lease \d+\)/);
    expect(out).toContain('income reports file type: 7001 "Proof of Income"');
    expect(out).toContain('identity reports file type: 7002 "Applicant Identification"');
    expect(out).toContain('monthly rent: $1,450.00 from the property setting');
    expect(out).toContain('credentials accepted (POST /api/v1/tenants/auth)');
    expect(out).toContain('sendLeaseDocuments: not tried');
    expect(out).not.toContain(API_KEY);
    expect(out).not.toContain(WEBHOOK_SECRET);
    expect(code).toBe(0);
  });

  it('fails on a bad Entrata key, in one line that names the credentials', async () => {
    const { code, out } = await check(tenant(), { env: { ACME_ENTRATA_API_KEY: 'wrong-key' } });
    expect(out).toMatch(/FAIL {2}leases\/getLeasePickList refused with code 113: .*Authentication failed/);
    expect(out).toContain(
      'every call is refused (code 113): the credentials or the org in entrata.baseUrl are wrong',
    );
    expect(out).not.toContain('wrong-key');
    expect(code).toBe(1);
  });

  it('fails on a property Entrata does not know', async () => {
    const { code, out } = await check(tenant({ entrata: { propertyIds: [String(PROPERTY), '999'] } }), {
      rent: { [PROPERTY]: 145_000, 999: 100_000 },
    });
    expect(out).toContain('property 999:');
    expect(out).toMatch(/FAIL {2}leads\/getLeads refused with code 304: .*Unknown propertyId 999/);
    expect(out).toContain('Check that the property id is right');
    expect(code).toBe(1);
  });

  it('fails on a file type the customer does not have, naming it and listing what there is', async () => {
    const { code, out } = await check(
      tenant({ defaults: { entrataFileTypes: { income: '7001', identity: { name: 'Photo ID' } } } }),
    );
    expect(out).toContain(
      'FAIL  identity reports file type missing: entrataFileTypes.identity = name "Photo ID": no file type with name "Photo ID"',
    );
    expect(out).toContain('7002 "Applicant Identification"');
    expect(code).toBe(1);
  });

  it('fails on a property without a rent source', async () => {
    const { code, out } = await check(tenant(), { rent: {} });
    expect(out).toContain("FAIL  no rent source: Entrata documents no field with the application's rent");
    expect(out).toContain("Set the property's monthly rent");
    expect(code).toBe(1);
  });

  it('fails on a missing, short or doubled webhook secret, and notes a rotation', async () => {
    const missing = await check(tenant(), { env: { ACME_WEBHOOK_SECRET: undefined } });
    expect(missing.out).toContain(
      'FAIL  webhook.secrets[0] (environment variable ACME_WEBHOOK_SECRET): environment variable ACME_WEBHOOK_SECRET is not set',
    );
    expect(missing.code).toBe(1);

    const rotation = tenant({
      webhook: {
        auth: 'hmac',
        secrets: [{ env: 'ACME_WEBHOOK_SECRET' }, { env: 'ACME_WEBHOOK_NEXT' }],
        toleranceSeconds: 300,
      },
    });
    const short = await check(rotation, { env: { ACME_WEBHOOK_NEXT: 'too-short' } });
    expect(short.out).toContain(
      'FAIL  webhook.secrets[1] (environment variable ACME_WEBHOOK_NEXT): 9 characters, at least 32 are needed',
    );
    const same = await check(rotation, { env: { ACME_WEBHOOK_NEXT: WEBHOOK_SECRET } });
    expect(same.out).toContain('FAIL  webhook.secrets: both entries hold the same value');
    const rotating = await check(rotation, { env: { ACME_WEBHOOK_NEXT: 'b'.repeat(64) } });
    expect(rotating.out).toContain('note  webhook.secrets: two entries, a rotation is under way');
    expect(rotating.code).toBe(0);
  });

  it('fails when Entrata does not answer at the configured address', async () => {
    const { code, out } = await check(
      tenant({ entrata: { baseUrl: 'http://127.0.0.1:9/ext/orgs/acme/v1' } }),
    );
    expect(out).toMatch(/FAIL {2}Entrata did not answer: .*ECONNREFUSED/);
    expect(out).toContain('Check entrata.baseUrl');
    expect(code).toBe(1);
  });

  it('fails on a missing Entrata key and on rejected platform credentials', async () => {
    const { code, out } = await check(tenant(), {
      env: { ACME_ENTRATA_API_KEY: undefined, PLATFORM_SECRET_KEY: 'wrong' },
    });
    expect(out).toContain('FAIL  entrata.auth.apiKey: environment variable ACME_ENTRATA_API_KEY is not set');
    expect(out).toMatch(/FAIL {2}credentials rejected \(HTTP 401\)/);
    // Entrata could not be asked, but the rent source is still judged.
    expect(out).toContain('monthly rent: $1,450.00');
    expect(code).toBe(1);
  });

  it('is a usage error (exit 2) for an unknown tenant or a missing tenants file, through the CLI', async () => {
    const path = join(dir, 'tenants-cli.json');
    writeFileSync(path, JSON.stringify(testTenantsFile(tenant())));
    const writes: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((text: string) => {
      writes.push(text);
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await main(['tenant', 'check', 'nobody'], { TENANTS_FILE: path })).toBe(2);
      expect(await main(['tenant', 'check', 'acme'], {})).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(writes.join('')).toContain('no tenant "nobody"');
    expect(writes.join('')).toContain('TENANTS_FILE is not set');
  });
});
