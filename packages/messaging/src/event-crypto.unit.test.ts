import { randomBytes } from 'node:crypto';
import { type EventKeyring, parseKeyring } from '@autoverify/config';
import { describe, expect, it } from 'vitest';
import { EventSealError, openEvent, sealEvent } from './event-crypto.ts';

const key = () => randomBytes(32).toString('base64');
const keyring = (json: object): EventKeyring => {
  const { keyring, problems } = parseKeyring(JSON.stringify(json));
  if (!keyring) throw new Error(problems.join('; '));
  return keyring;
};
const event = (tenantId: string) =>
  Buffer.from(JSON.stringify({ id: 'e1', tenantId, payload: { email: 'ann@example.com' } }));

const acmeOld = key();
const acmeNew = key();
const fallback = { current: 'd1', keys: { d1: key() } };
const ring = keyring({
  tenants: { acme: { current: 'k1', keys: { k1: acmeOld } }, beta: { current: 'b1', keys: { b1: key() } } },
  default: fallback,
});

describe('sealEvent / openEvent', () => {
  it('round-trips with the tenant key, and nothing personal is readable in the sealed bytes', () => {
    const { value, keyRef } = sealEvent(ring, event('acme'));
    expect(keyRef).toBe('acme/k1');
    expect(value.toString('latin1')).not.toContain('ann@example.com');
    expect(openEvent(ring, value, keyRef).toString()).toBe(event('acme').toString());
  });

  it('uses the default key for tenants without their own, and refuses it for those with one', () => {
    const sealed = sealEvent(ring, event('gamma'));
    expect(sealed.keyRef).toBe('*/d1');
    expect(openEvent(ring, sealed.value, sealed.keyRef).toString()).toContain('gamma');
    // acme's event sealed by someone holding only the default key
    const forged = sealEvent(keyring({ default: fallback }), event('acme'));
    expect(forged.keyRef).toBe('*/d1');
    expect(() => openEvent(ring, forged.value, forged.keyRef)).toThrow(/of another tenant/);
  });

  it('rotation: the new current key seals, the previous one still opens', () => {
    const before = sealEvent(ring, event('acme'));
    const rotated = keyring({ tenants: { acme: { current: 'k2', keys: { k1: acmeOld, k2: acmeNew } } } });
    const after = sealEvent(rotated, event('acme'));
    expect(after.keyRef).toBe('acme/k2');
    expect(openEvent(rotated, before.value, before.keyRef).toString()).toContain('acme');
    expect(openEvent(rotated, after.value, after.keyRef).toString()).toContain('acme');
    // once k1 is dropped, what it sealed no longer opens
    const dropped = keyring({ tenants: { acme: { current: 'k2', keys: { k2: acmeNew } } } });
    expect(() => openEvent(dropped, before.value, before.keyRef)).toThrow(/not in the keyring/);
  });

  it('refuses altered bytes, a swapped key header and another tenant key', () => {
    const { value, keyRef } = sealEvent(ring, event('acme'));
    const altered = Buffer.from(value);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => openEvent(ring, altered, keyRef)).toThrow(EventSealError);
    expect(() => openEvent(ring, altered, keyRef)).toThrow(/forged or altered/);
    expect(() => openEvent(ring, value, 'beta/b1')).toThrow(/forged or altered/);
    // a key we do not hold under a name we know (a forger without the keyring)
    const claim = sealEvent(
      keyring({ tenants: { acme: { current: 'k1', keys: { k1: key() } } } }),
      event('acme'),
    );
    expect(() => openEvent(ring, claim.value, claim.keyRef)).toThrow(/forged or altered/);
  });

  it('binds the key reference: equal key bytes under another tenant name do not open it', () => {
    const shared = key();
    const both = keyring({
      tenants: { acme: { current: 'a', keys: { a: shared } }, beta: { current: 'a', keys: { a: shared } } },
    });
    const beta = sealEvent(both, event('beta'));
    expect(beta.keyRef).toBe('beta/a');
    expect(() => openEvent(both, beta.value, 'acme/a')).toThrow(/forged or altered/);
  });

  it('refuses values that are not sealed events and cannot seal what is not an envelope', () => {
    expect(() => openEvent(ring, Buffer.from('{"tenantId":"acme"}'), 'acme/k1')).toThrow(/unknown format/);
    expect(() => sealEvent(ring, Buffer.from('not json'))).toThrow(/not an event envelope/);
    expect(() =>
      sealEvent(keyring({ tenants: { acme: { current: 'k1', keys: { k1: key() } } } }), event('zeta')),
    ).toThrow(/no key for tenant "zeta"/);
  });
});
