import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadTenants, UnknownTenantError } from './index.ts';

const examplePath = new URL('../../../config/tenants.example.json', import.meta.url).pathname;
const example = JSON.parse(readFileSync(examplePath, 'utf8'));
const env = { DEMO_PM_ENTRATA_API_KEY: 'entrata-key-value', DEMO_PM_WEBHOOK_SECRET: 'whsec-value' };
const dir = mkdtempSync(join(tmpdir(), 'tenants-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(content: unknown): string {
  const path = join(dir, `tenants-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

function mutate(change: (file: any) => void): string {
  const copy = structuredClone(example);
  change(copy);
  return write(copy);
}

function problemsOf(path: string, environment: Record<string, string> = env): ConfigError {
  try {
    loadTenants(path, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadTenants with the example file', () => {
  const tenants = loadTenants(examplePath, env);

  it('finds tenants by id', () => {
    expect(tenants.all().map((t) => t.id)).toEqual(['demo-pm']);
    expect(tenants.get('demo-pm')?.name).toBe('Demo Property Management');
    expect(tenants.get('nope')).toBeUndefined();
    expect(() => tenants.require('nope')).toThrow(UnknownTenantError);
  });

  it('merges a property override over the defaults, with its name and address', () => {
    const denver = tenants.property('demo-pm', '100001');
    expect(denver).toMatchObject({
      tenantId: 'demo-pm',
      propertyId: '100001',
      name: 'Aspen Ridge Apartments',
    });
    expect(denver).toMatchObject({ identityVerification: true, timeZone: 'America/Denver', state: 'CO' });
    const dallas = tenants.property('demo-pm', '100002');
    expect(dallas).toMatchObject({
      identityVerification: false,
      timeZone: 'America/Chicago',
      state: 'TX',
      channels: { sms: false },
    });
    expect(dallas.address?.city).toBe('Dallas');
    expect(dallas.reminders).toEqual(example.tenants[0].defaults.reminders);
  });

  it('gives a property without overrides the defaults', () => {
    expect(tenants.property('demo-pm', '999')).toEqual({
      ...example.tenants[0].defaults,
      tenantId: 'demo-pm',
      propertyId: '999',
    });
    expect(() => tenants.property('other', '1')).toThrow(UnknownTenantError);
  });

  it('returns resolved secrets', () => {
    expect(tenants.secret({ env: 'DEMO_PM_ENTRATA_API_KEY' })).toBe('entrata-key-value');
    expect(tenants.secret({ env: 'DEMO_PM_WEBHOOK_SECRET' })).toBe('whsec-value');
  });
});

describe('loadTenants errors', () => {
  it('names a missing file', () => {
    const error = problemsOf(join(dir, 'missing.json'));
    expect(error.message).toContain(`${join(dir, 'missing.json')} does not exist`);
  });

  it('names the file and position of a JSON syntax error', () => {
    const path = write('{\n  "tenants": [\n    { "id": "x", }\n  ]\n}');
    const error = problemsOf(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not valid JSON: .*position \d+/);
  });

  it('reports every schema problem with its precise path', () => {
    const path = mutate((f) => {
      f.tenants[0].defaults.reminders.maxCount = 11;
      f.tenants[0].defaults.sender.emailFrom = 'not-an-email';
      f.tenants[0].webhook.toleranceSeconds = 5;
      f.tenants[0].entrata.auth.apiKey = { env: 'lower case' };
      f.tenants[0].properties['100002'].color = 'blue';
      delete f.tenants[0].reconciliation;
    });
    expect(problemsOf(path).problems).toEqual([
      'tenants[0].reconciliation: is required',
      'tenants[0].entrata.auth.apiKey.env: must match ^[A-Z_][A-Z0-9_]*$ (got "lower case")',
      'tenants[0].webhook.toleranceSeconds: must be >= 30 (got 5)',
      'tenants[0].defaults.reminders.maxCount: must be <= 10 (got 11)',
      'tenants[0].defaults.sender.emailFrom: must be a valid email (got "not-an-email")',
      'tenants[0].properties["100002"].color: is not an allowed property',
    ]);
  });

  it('reports an unknown discriminator value of a union', () => {
    const path = mutate((f) => {
      f.tenants[0].entrata.auth = { type: 'oauth' };
    });
    expect(problemsOf(path).problems).toEqual([
      'tenants[0].entrata.auth.type: must be one of "apikey", "basic" (got "oauth")',
    ]);
  });

  it('rejects duplicate tenant ids and unknown time zones', () => {
    const path = mutate((f) => {
      f.tenants.push(structuredClone(f.tenants[0]));
      f.tenants[0].defaults.timeZone = 'America/Gotham';
      f.tenants[1].properties['100002'].timeZone = 'Mars/Olympus';
    });
    expect(problemsOf(path).problems).toEqual([
      'tenants[1].id: "demo-pm" is already used by tenants[0]',
      'tenants[0].defaults.timeZone: "America/Gotham" is not an IANA time zone (e.g. America/Denver)',
      'tenants[1].properties["100002"].timeZone: "Mars/Olympus" is not an IANA time zone (e.g. America/Denver)',
    ]);
  });

  it('names the tenant and field of every missing secret without printing secrets', () => {
    const path = mutate((f) => {
      f.tenants[0].webhook.secrets.push({ file: 'missing-secret.txt' });
    });
    const error = problemsOf(path, { DEMO_PM_WEBHOOK_SECRET: 'whsec-value' });
    expect(error.problems).toEqual([
      'tenants[0].entrata.auth.apiKey (tenant "demo-pm"): environment variable DEMO_PM_ENTRATA_API_KEY is not set',
      `tenants[0].webhook.secrets[1] (tenant "demo-pm"): secret file ${join(dir, 'missing-secret.txt')} cannot be read (ENOENT)`,
    ]);
    expect(error.message).not.toContain('whsec-value');
  });

  it('needing no secret kinds, loads anyway and names a missing secret only when it is asked for', () => {
    const path = mutate((f) => {
      f.tenants[0].webhook.secrets.push({ file: 'missing-secret.txt' });
    });
    const tenants = loadTenants(path, { DEMO_PM_WEBHOOK_SECRET: 'whsec-value' }, { secrets: [] });
    expect(tenants.secret({ env: 'DEMO_PM_WEBHOOK_SECRET' })).toBe('whsec-value');
    expect(() => tenants.secret({ env: 'DEMO_PM_ENTRATA_API_KEY' })).toThrow(ConfigError);
    try {
      tenants.secret({ file: 'missing-secret.txt' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        `secret file ${join(dir, 'missing-secret.txt')} cannot be read (ENOENT)`,
      ]);
    }
  });

  it('reads file secrets relative to the tenants file, without the trailing newline', () => {
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(join(dir, 'secrets', 'hook'), 'file-secret\n');
    const path = mutate((f) => {
      f.tenants[0].webhook.secrets = [{ file: 'secrets/hook' }];
    });
    const tenants = loadTenants(path, env);
    expect(tenants.secret({ file: 'secrets/hook' })).toBe('file-secret');
  });
});

describe('loadTenants secrets: only what the service needs, read where used', () => {
  /** An env that records which variables were looked at. */
  function watchedEnv(values: Record<string, string>) {
    const read = new Set<string>();
    const proxy = new Proxy(values, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });
    return { env: proxy as Record<string, string | undefined>, read };
  }

  it('never looks at the Entrata key of a service that needs no Entrata secret', () => {
    const { env: watched, read } = watchedEnv({ DEMO_PM_WEBHOOK_SECRET: 'whsec-value' });
    const tenants = loadTenants(examplePath, watched, { secrets: ['webhook'] });
    expect(read.has('DEMO_PM_ENTRATA_API_KEY')).toBe(false);
    expect(tenants.get('demo-pm')?.name).toBe('Demo Property Management');
  });

  it('starts a service that needs no tenant secret without any of them set', () => {
    const { env: watched, read } = watchedEnv({});
    const tenants = loadTenants(examplePath, watched, { secrets: [] });
    expect([...read]).toEqual([]);
    expect(tenants.all()).toHaveLength(1);
    // Asked for anyway, the missing secret is a clear error naming it.
    expect(() => tenants.secret({ env: 'DEMO_PM_ENTRATA_API_KEY' })).toThrow(
      /env DEMO_PM_ENTRATA_API_KEY unavailable/,
    );
  });

  it('fails start-up naming a missing secret of a kind the service needs', () => {
    try {
      loadTenants(examplePath, { DEMO_PM_WEBHOOK_SECRET: 'whsec-value' }, { secrets: ['entrata'] });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'tenants[0].entrata.auth.apiKey (tenant "demo-pm"): environment variable DEMO_PM_ENTRATA_API_KEY is not set',
      ]);
    }
  });

  it('checks a needed secret file without reading it, and reads it on every use (rotation without restart)', () => {
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(join(dir, 'secrets', 'rotating'), 'first-secret\n');
    const path = mutate((f) => {
      f.tenants[0].webhook.secrets = [{ file: 'secrets/rotating' }];
    });
    const { env: watched, read } = watchedEnv({});
    const tenants = loadTenants(path, watched, { secrets: ['webhook'] });
    expect(read.size).toBe(0);
    expect(tenants.secret({ file: 'secrets/rotating' })).toBe('first-secret');
    writeFileSync(join(dir, 'secrets', 'rotating'), 'second-secret\n');
    expect(tenants.secret({ file: 'secrets/rotating' })).toBe('second-secret');
  });

  it('checks every kind when the service does not say what it needs (as before)', () => {
    expect(problemsOf(examplePath, {}).problems).toHaveLength(2);
  });
});
