import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_TTL_SECONDS = 30 * 60;

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** Issues and checks the platform's access tokens: real HS256 JWTs, valid 30 minutes, key per process. */
export class TokenIssuer {
  private readonly key = randomBytes(32);

  issue(clientId: string, now = Date.now()): { token: string; expiresIn: number } {
    const iat = Math.floor(now / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: clientId, iat, exp: iat + TOKEN_TTL_SECONDS }));
    const signature = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    return { token: `${header}.${payload}.${signature}`, expiresIn: TOKEN_TTL_SECONDS };
  }

  /** The client id of a valid, unexpired token; undefined otherwise. */
  verify(token: string, now = Date.now()): string | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        sub?: string;
        exp?: number;
      };
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp * 1000 <= now)
        return undefined;
      return claims.sub;
    } catch {
      return undefined;
    }
  }
}
