import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticate, bearerToken, loadTokens, sha256Hex } from './tokens.ts';

const config = JSON.stringify([
  { name: 'alice', sha256: sha256Hex('alice-token-0123456789'), scopes: ['timeline:read', 'pii:read'] },
  { name: 'bob', sha256: sha256Hex('bob-token-0123456789'), scopes: ['timeline:read'] },
]);

describe('support tokens', () => {
  it('finds the caller of a token, with its scopes; unknown or missing tokens are nobody', () => {
    const tokens = loadTokens(config);
    const alice = authenticate(tokens, 'alice-token-0123456789');
    expect(alice?.name).toBe('alice');
    expect([...(alice?.scopes ?? [])]).toEqual(['timeline:read', 'pii:read']);
    expect(authenticate(tokens, 'bob-token-0123456789')?.scopes.has('pii:read')).toBe(false);
    expect(authenticate(tokens, 'alice-token-012345678')).toBeNull();
    expect(authenticate(tokens, undefined)).toBeNull();
    expect(authenticate(tokens, '')).toBeNull();
  });

  it('reads the configuration from a file path too', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'support-tokens-')), 'tokens.json');
    writeFileSync(file, config);
    expect(loadTokens(file).map((t) => t.name)).toEqual(['alice', 'bob']);
  });

  it('rejects configurations that are wrong, saying where', () => {
    expect(() => loadTokens('/no/such/file.json')).toThrow(/neither a JSON array nor an existing file/);
    expect(() => loadTokens('[')).toThrow(/not valid JSON/);
    expect(() => loadTokens('[]')).toThrow(/non-empty JSON array/);
    expect(() => loadTokens('[{"name":"a","sha256":"abc","scopes":["dlq"]}]')).toThrow(/\[0\]\.sha256/);
    const hash = sha256Hex('x');
    expect(() => loadTokens(`[{"name":"a","sha256":"${hash}","scopes":["root"]}]`)).toThrow(
      /unknown scope "root"/,
    );
    expect(() => loadTokens(`[{"name":"a","sha256":"${hash}","scopes":[]}]`)).toThrow(/\[0\]\.scopes/);
    expect(() =>
      loadTokens(
        `[{"name":"a","sha256":"${hash}","scopes":["dlq"]},{"name":"a","sha256":"${hash}","scopes":["dlq"]}]`,
      ),
    ).toThrow(/appears twice/);
  });

  it('reads a bearer token from the Authorization header', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
