import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.ts';

const secret = 'test-secret-with-enough-entropy';
const previous = 'the-secret-being-rotated-out';
const notificationId = '5d1c3f0e-8f7a-5b4c-9d2e-1a2b3c4d5e6f:email';

/** A link from before u2 (the address in the token), built as the old code did. */
function legacyToken(key: string, target: { t: string; c: string; a: string }): string {
  const payload = Buffer.from(JSON.stringify(target)).toString('base64url');
  const mac = createHmac('sha256', key)
    .update(`u1.${payload}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
  return `u1.${payload}.${mac}`;
}

describe('unsubscribe token', () => {
  it('round-trips, is url-safe and carries no personal data', () => {
    const token = signUnsubscribeToken(secret, notificationId);
    expect(token).toMatch(/^u2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken([secret], token)).toEqual({ kind: 'notification', notificationId });
    const decoded = token
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('utf8'))
      .join(' ');
    expect(decoded).not.toMatch(/@/);
  });

  it('is deterministic, so a notification always gets the same link', () => {
    expect(signUnsubscribeToken(secret, notificationId)).toBe(signUnsubscribeToken(secret, notificationId));
  });

  it('verifies links signed with the previous secret while rotating, and no other', () => {
    const old = signUnsubscribeToken(previous, notificationId);
    expect(verifyUnsubscribeToken([secret, previous], old)).toEqual({ kind: 'notification', notificationId });
    expect(verifyUnsubscribeToken([secret], old)).toBeUndefined();
    expect(
      verifyUnsubscribeToken(['other-secret-0123456'], signUnsubscribeToken(secret, notificationId)),
    ).toBeUndefined();
  });

  it('rejects a tampered reference or mac', () => {
    const token = signUnsubscribeToken(secret, notificationId);
    const [v, , m] = token.split('.');
    const forged = Buffer.from('someone-else:email').toString('base64url');
    expect(verifyUnsubscribeToken([secret], `${v}.${forged}.${m}`)).toBeUndefined();
    expect(verifyUnsubscribeToken([secret], `${token.slice(0, -2)}xx`)).toBeUndefined();
  });

  it('rejects malformed tokens', () => {
    for (const bad of ['', 'abc', 'u1.a', 'u2.a.b', 'u1..', 'u2..', 'u1.a.b.c', `u2.${'a'.repeat(600)}.b`]) {
      expect(verifyUnsubscribeToken([secret], bad)).toBeUndefined();
    }
  });

  it('keeps links issued before u2 working (address in the token), with either secret', () => {
    const target = { t: 'acme', c: 'email', a: 'ada@example.com' };
    expect(verifyUnsubscribeToken([secret, previous], legacyToken(previous, target))).toEqual({
      kind: 'address',
      target: { tenantId: 'acme', channel: 'email', address: 'ada@example.com' },
    });
    expect(verifyUnsubscribeToken([secret], legacyToken(secret, { ...target, c: 'fax' }))).toBeUndefined();
  });
});
