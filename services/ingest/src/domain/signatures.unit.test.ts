import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyHash, verifyBasicAuth, verifyEntrataSignature, verifyPlatformSignature } from './signatures.ts';

const body = Buffer.from('{"event":"application.submitted","eventId":"e1"}');
const sign = (secret: string, t: number, raw: Buffer = body) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${raw.toString()}`).digest('hex')}`;
const now = 1_800_000_000;
const verify = (header: string | undefined, secrets = ['old-secret', 'new-secret'], raw = body) =>
  verifyEntrataSignature({ header, rawBody: raw, secrets, toleranceSeconds: 300, nowSeconds: now });

describe('verifyEntrataSignature', () => {
  it('accepts a signature made with either active secret (rotation)', () => {
    expect(verify(sign('old-secret', now))).toEqual({ ok: true });
    expect(verify(sign('new-secret', now - 10))).toEqual({ ok: true });
    expect(verify(`t=${now},v1=${'0'.repeat(64)},v1=${sign('new-secret', now).split('v1=')[1]}`)).toEqual({
      ok: true,
    });
  });

  it('rejects a retired secret, a modified body, or garbage', () => {
    expect(verify(sign('retired', now))).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verify(sign('new-secret', now), undefined, Buffer.from(`${body.toString()} `))).toMatchObject({
      ok: false,
    });
    expect(verify(undefined)).toMatchObject({ ok: false, reason: /missing/ });
    expect(verify('v1=abc')).toMatchObject({ ok: false, reason: /malformed/ });
    expect(verify(`t=${now},v1=zz`)).toMatchObject({ ok: false });
  });

  it('rejects a replayed old timestamp and one too far in the future', () => {
    expect(verify(sign('new-secret', now - 301))).toMatchObject({ ok: false, reason: /tolerance/ });
    expect(verify(sign('new-secret', now + 301))).toMatchObject({ ok: false, reason: /tolerance/ });
    expect(verify(sign('new-secret', now - 300))).toEqual({ ok: true });
  });
});

describe('verifyBasicAuth', () => {
  const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  it('accepts either active password', () => {
    expect(
      verifyBasicAuth({ header: header('entrata', 'p1'), username: 'entrata', passwords: ['p1', 'p2'] }),
    ).toEqual({ ok: true });
    expect(
      verifyBasicAuth({ header: header('entrata', 'p:2'), username: 'entrata', passwords: ['p1', 'p:2'] }),
    ).toEqual({ ok: true });
  });
  it('rejects wrong user, wrong password, or no header', () => {
    expect(
      verifyBasicAuth({ header: header('other', 'p1'), username: 'entrata', passwords: ['p1'] }),
    ).toMatchObject({ ok: false });
    expect(
      verifyBasicAuth({ header: header('entrata', 'nope'), username: 'entrata', passwords: ['p1'] }),
    ).toMatchObject({ ok: false });
    expect(verifyBasicAuth({ header: undefined, username: 'entrata', passwords: ['p1'] })).toMatchObject({
      ok: false,
    });
  });
});

describe('verifyPlatformSignature', () => {
  it('checks the hex HMAC of the raw bytes', () => {
    const signature = createHmac('sha256', 's3cret').update(body).digest('hex');
    expect(verifyPlatformSignature({ header: signature, rawBody: body, secrets: ['s3cret'] })).toEqual({
      ok: true,
    });
    expect(
      verifyPlatformSignature({ header: signature.toUpperCase(), rawBody: body, secrets: ['s3cret'] }),
    ).toEqual({ ok: true });
    expect(
      verifyPlatformSignature({ header: signature, rawBody: Buffer.from('{}'), secrets: ['s3cret'] }),
    ).toMatchObject({ ok: false });
    expect(verifyPlatformSignature({ header: undefined, rawBody: body, secrets: ['s3cret'] })).toMatchObject({
      ok: false,
    });
  });
  it('accepts either active secret while the secret is rotated, and neither other one', () => {
    const signed = (secret: string) => createHmac('sha256', secret).update(body).digest('hex');
    const secrets = ['new-platform-secret', 'old-platform-secret'];
    expect(
      verifyPlatformSignature({ header: signed('new-platform-secret'), rawBody: body, secrets }),
    ).toEqual({
      ok: true,
    });
    expect(
      verifyPlatformSignature({ header: signed('old-platform-secret'), rawBody: body, secrets }),
    ).toEqual({
      ok: true,
    });
    expect(
      verifyPlatformSignature({ header: signed('some-other-secret'), rawBody: body, secrets }),
    ).toMatchObject({ ok: false });
  });
  it('hashes bodies for de-duplication', () => {
    expect(bodyHash(body)).toMatch(/^[0-9a-f]{64}$/);
  });
});
