import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { verifyWebhookSignature } from '@autoverify/verification-client';

export type Verdict = { ok: true } | { ok: false; reason: string };

function equalHex(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const given =
    /^[0-9a-f]+$/i.test(givenHex) && givenHex.length % 2 === 0
      ? Buffer.from(givenHex, 'hex')
      : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(expected, given);
}

/**
 * Rotation, the one way for every webhook credential: up to two active values (the new one and the one being
 * replaced), and a request verifies when any of them matches. Every candidate is checked (no early exit), so
 * timing does not reveal which one matched.
 */
export function matchesAny<T>(candidates: readonly T[], matches: (candidate: T) => boolean): boolean {
  let matched = false;
  for (const candidate of candidates) matched = matches(candidate) || matched;
  return matched;
}

/** Constant-time string comparison that does not leak the length either (both sides hashed first). */
function equalText(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * `X-Entrata-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (our contract: Entrata's
 * own signing is not public). Any of up to two secrets may match, so a secret can be rotated without
 * downtime. The timestamp bounds replays of a captured request to the tolerance window; the event id
 * de-duplication catches replays inside it.
 */
export function verifyEntrataSignature(input: {
  header: string | undefined;
  rawBody: Buffer;
  secrets: readonly string[];
  toleranceSeconds: number;
  nowSeconds: number;
}): Verdict {
  if (!input.header) return { ok: false, reason: 'missing X-Entrata-Signature header' };
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of input.header.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const value = rest.join('=');
    if (key === 't') timestamp = value;
    else if (key === 'v1' && value) signatures.push(value);
  }
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) {
    return { ok: false, reason: 'malformed X-Entrata-Signature header' };
  }
  if (Math.abs(input.nowSeconds - Number(timestamp)) > input.toleranceSeconds) {
    return { ok: false, reason: 'signature timestamp outside the tolerance window' };
  }
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), input.rawBody]);
  const matched = matchesAny(input.secrets, (secret) => {
    const expected = createHmac('sha256', secret).update(signed).digest('hex');
    return matchesAny(signatures, (signature) => equalHex(expected, signature));
  });
  return matched ? { ok: true } : { ok: false, reason: 'signature does not match' };
}

/** HTTP Basic with a fixed username and up to two active passwords (rotation). */
export function verifyBasicAuth(input: {
  header: string | undefined;
  username: string;
  passwords: readonly string[];
}): Verdict {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(input.header ?? '');
  if (!match?.[1]) return { ok: false, reason: 'missing or malformed Basic authorization' };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { ok: false, reason: 'malformed Basic credentials' };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const passwordOk = matchesAny(input.passwords, (candidate) => equalText(candidate, password));
  const userOk = equalText(input.username, user);
  return userOk && passwordOk ? { ok: true } : { ok: false, reason: 'wrong credentials' };
}

/**
 * Documented: `Verification-Signature` = hex HMAC-SHA256 of the raw request body bytes with the shared
 * secret (no timestamp). Checked by the verification client's function: over the raw bytes, upper- or
 * lower-case hex, constant time. Up to two secrets (PLATFORM_WEBHOOK_SECRET and, while rotating,
 * PLATFORM_WEBHOOK_SECRET_PREVIOUS), like the Entrata webhook's.
 */
export function verifyPlatformSignature(input: {
  header: string | undefined;
  rawBody: Buffer;
  secrets: readonly string[];
}): Verdict {
  if (!input.header) return { ok: false, reason: 'missing Verification-Signature header' };
  const header = input.header;
  return matchesAny(input.secrets, (secret) => verifyWebhookSignature(input.rawBody, header, secret))
    ? { ok: true }
    : { ok: false, reason: 'signature does not match' };
}

/**
 * De-duplication key of a platform webhook: the hash of its exact bytes. The documented bodies carry no event
 * id and no timestamp, so content is all there is: a retried or replayed delivery (identical bytes) is a
 * duplicate, anything that differs is a new delivery.
 */
export const bodyHash = (rawBody: Buffer): string => createHash('sha256').update(rawBody).digest('hex');
