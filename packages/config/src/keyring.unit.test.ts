import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kafkaConnectionFromEnv } from './kafka-env.ts';
import { parseKeyring } from './keyring.ts';

const key = () => randomBytes(32).toString('base64');

describe('parseKeyring', () => {
  it('reads per-tenant keys, the default and the current key of each', () => {
    const { keyring, problems } = parseKeyring(
      JSON.stringify({
        tenants: { acme: { current: 'k2', keys: { k1: key(), k2: key() } } },
        default: { current: 'd1', keys: { d1: key() } },
      }),
    );
    expect(problems).toEqual([]);
    expect(keyring?.tenants.get('acme')?.current).toBe('k2');
    expect(keyring?.tenants.get('acme')?.keys.get('k1')).toHaveLength(32);
    expect(keyring?.default?.current).toBe('d1');
    expect(keyring?.acceptUnencrypted).toBe(false);
  });

  it('lists every problem without echoing a key', () => {
    const secret = Buffer.alloc(16, 7).toString('base64');
    const { keyring, problems } = parseKeyring(
      JSON.stringify({
        tenants: {
          acme: { current: 'k9', keys: { k1: secret } },
          Bad_Tenant: { current: 'a', keys: { a: key() } },
        },
        extra: 1,
        acceptUnencrypted: 'yes',
      }),
    );
    expect(keyring).toBeUndefined();
    expect(problems).toEqual([
      'unknown field "extra" (tenants, default, acceptUnencrypted)',
      'tenants.acme.keys.k1: must be 32 random bytes in base64 (openssl rand -base64 32)',
      'tenants.acme.current: "k9" is not one of its keys',
      'tenants.Bad_Tenant: not a tenant id',
      'acceptUnencrypted: must be true or false',
    ]);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('refuses an empty keyring and text that is not JSON', () => {
    expect(parseKeyring('{}').problems).toEqual(['holds no keys: give tenants or default']);
    expect(parseKeyring('nope').problems[0]).toMatch(/^is not JSON/);
  });

  it('is read and checked with the Kafka settings (EVENT_KEYRING_FILE)', () => {
    const files: Record<string, string> = {
      '/k.json': JSON.stringify({ default: { current: 'a', keys: { a: key() } } }),
      '/bad.json': '{"default":{}}',
    };
    const read = (path: string) => files[path] ?? '';
    expect(kafkaConnectionFromEnv({ EVENT_KEYRING_FILE: '/k.json' }, read).keyring?.default?.current).toBe(
      'a',
    );
    expect(() => kafkaConnectionFromEnv({ EVENT_KEYRING_FILE: '/bad.json' }, read)).toThrow(
      /EVENT_KEYRING_FILE: \/bad.json default: must be/,
    );
    expect(kafkaConnectionFromEnv({}, read).keyring).toBeUndefined();
  });
});
