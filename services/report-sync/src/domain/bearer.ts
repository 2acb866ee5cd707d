import { createHash, timingSafeEqual } from 'node:crypto';

export type BearerCheck = 'ok' | 'missing' | 'invalid';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks an `Authorization: Bearer <token>` header against the expected token in constant time (both are
 * hashed first, so neither the content nor the length of the token leaks through timing).
 */
export function checkBearer(header: string | undefined, expected: string): BearerCheck {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return 'missing';
  return timingSafeEqual(digest(match[1]), digest(expected)) ? 'ok' : 'invalid';
}
