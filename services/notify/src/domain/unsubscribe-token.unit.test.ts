import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.ts';

const secret = 'test-secret-with-enough-entropy';
const target = { tenantId: 'acme', channel: 'email' as const, address: 'ada@example.com' };

describe('unsubscribe token', () => {
  it('round-trips and is url-safe', () => {
    const token = signUnsubscribeToken(secret, target);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(verifyUnsubscribeToken(secret, token)).toEqual(target);
  });

  it('is deterministic, so the same address always gets the same link', () => {
    expect(signUnsubscribeToken(secret, target)).toBe(signUnsubscribeToken(secret, target));
  });

  it('rejects a token signed with another secret', () => {
    expect(verifyUnsubscribeToken('other-secret', signUnsubscribeToken(secret, target))).toBeUndefined();
  });

  it('rejects a tampered payload or mac', () => {
    const token = signUnsubscribeToken(secret, target);
    const [v, , m] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ t: 'acme', c: 'email', a: 'bob@example.com' })).toString(
      'base64url',
    );
    expect(verifyUnsubscribeToken(secret, `${v}.${forged}.${m}`)).toBeUndefined();
    expect(verifyUnsubscribeToken(secret, `${token.slice(0, -2)}xx`)).toBeUndefined();
  });

  it('rejects malformed tokens', () => {
    for (const bad of ['', 'abc', 'u1.a', 'u2.a.b', 'u1..', 'u1.a.b.c']) {
      expect(verifyUnsubscribeToken(secret, bad)).toBeUndefined();
    }
  });

  it('rejects a correctly signed payload of the wrong shape', () => {
    const token = signUnsubscribeToken(secret, { ...target, channel: 'fax' as 'email' });
    expect(verifyUnsubscribeToken(secret, token)).toBeUndefined();
  });
});
