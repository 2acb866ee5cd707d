import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export const scopes = ['timeline:read', 'pii:read', 'replay', 'dlq', 'rerun', 'audit:read', 'erase'] as const;
export type Scope = (typeof scopes)[number];

export interface TokenEntry {
  /** Who the token belongs to: recorded as the actor of every audited call. */
  name: string;
  sha256: Buffer;
  scopes: ReadonlySet<Scope>;
}

export interface Caller {
  name: string;
  scopes: ReadonlySet<Scope>;
}

export class TokenConfigError extends Error {
  constructor(message: string) {
    super(`SUPPORT_TOKENS: ${message}`);
    this.name = 'TokenConfigError';
  }
}

export const sha256Hex = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * SUPPORT_TOKENS is JSON (`[{"name","sha256","scopes"}]`) or the path of a file holding it. Only hashes are
 * configured, so a leaked configuration does not leak tokens.
 */
export function loadTokens(setting: string): TokenEntry[] {
  const text = setting.trim();
  if (text.startsWith('[')) return parseTokens(text, 'the value');
  if (!existsSync(text))
    throw new TokenConfigError(`neither a JSON array nor an existing file: "${text.slice(0, 80)}"`);
  return parseTokens(readFileSync(text, 'utf8'), text);
}

export function parseTokens(json: string, source: string): TokenEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new TokenConfigError(`${source} is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(raw) || raw.length === 0)
    throw new TokenConfigError(`${source} must be a non-empty JSON array`);
  const names = new Set<string>();
  return raw.map((item, index) => {
    const where = `${source}[${index}]`;
    if (typeof item !== 'object' || item === null) throw new TokenConfigError(`${where} must be an object`);
    const { name, sha256, scopes: given } = item as Record<string, unknown>;
    if (typeof name !== 'string' || !/^[\w.@-]{1,100}$/.test(name))
      throw new TokenConfigError(`${where}.name must be 1-100 letters, digits, . _ @ -`);
    if (names.has(name)) throw new TokenConfigError(`${where}.name "${name}" appears twice`);
    names.add(name);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256))
      throw new TokenConfigError(`${where}.sha256 must be the 64 hex digits of the token's SHA-256`);
    if (!Array.isArray(given) || given.length === 0)
      throw new TokenConfigError(`${where}.scopes must be a non-empty array of ${scopes.join(', ')}`);
    for (const scope of given)
      if (!(scopes as readonly unknown[]).includes(scope))
        throw new TokenConfigError(
          `${where}.scopes: unknown scope ${JSON.stringify(scope)} (known: ${scopes.join(', ')})`,
        );
    return { name, sha256: Buffer.from(sha256.toLowerCase(), 'hex'), scopes: new Set(given as Scope[]) };
  });
}

/**
 * The caller a bearer token belongs to, or null. Every entry is compared in constant time, and all of
 * them are, so the answer time says nothing about which hash came close.
 */
export function authenticate(tokens: readonly TokenEntry[], presented: string | undefined): Caller | null {
  if (!presented) return null;
  const hash = createHash('sha256').update(presented, 'utf8').digest();
  let found: TokenEntry | null = null;
  for (const entry of tokens) if (timingSafeEqual(entry.sha256, hash) && !found) found = entry;
  return found ? { name: found.name, scopes: found.scopes } : null;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
