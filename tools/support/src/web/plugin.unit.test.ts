import { createLogger } from '@autoverify/logger';
import { createHttpServer } from '@autoverify/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, sha256Hex } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { localPath, registerWebConsole } from './plugin.ts';

// Sign-in, session cookie, CSRF and scope checks: none of these routes reaches the console or the database.
const tokens = parseTokens(
  JSON.stringify([
    { name: 'alice', sha256: sha256Hex('alice-token-0123456789'), scopes: ['timeline:read', 'dlq'] },
    { name: 'bob', sha256: sha256Hex('bob-token-0123456789'), scopes: ['audit:read'] },
  ]),
  'test',
);
const app = createHttpServer({ logger: createLogger({ service: 'support', level: 'silent' }) });

beforeAll(async () => {
  // Only the tokens and the env: a route that reached the use cases or the database would fail here.
  registerWebConsole(app, { tokens, env: {} } as unknown as SupportContext);
  await app.ready();
});
afterAll(() => app.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

async function signIn(token: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: formHeaders,
    payload: form({ token }),
  });
  const cookie = response.cookies.find((c) => c.name === 'support_session');
  const home = await app.inject({
    method: 'GET',
    url: '/',
    cookies: { support_session: cookie?.value ?? '' },
  });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1];
  return { response, cookie, home, csrf, cookies: { support_session: cookie?.value ?? '' } };
}

describe('web console session', () => {
  it('sends a signed-out browser to the sign-in page', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/sign-in?next=%2F');
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    expect(page.body).toContain('<label for="token">');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('returns to the page asked for after signing in, only on this site', async () => {
    const asked = await app.inject({ method: 'GET', url: '/applications?q=14423' });
    expect(asked.headers.location).toBe('/sign-in?next=%2Fapplications%3Fq%3D14423');
    const page = await app.inject({ method: 'GET', url: asked.headers.location as string });
    expect(page.body).toContain('name="next" value="/applications?q=14423"');
    const signedIn = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: formHeaders,
      payload: form({ token: 'alice-token-0123456789', next: '/applications?q=14423' }),
    });
    expect(signedIn.headers.location).toBe('/applications?q=14423');
    expect(localPath('//evil.example.com')).toBe('/');
    expect(localPath('/\\evil.example.com')).toBe('/');
    expect(localPath('https://evil.example.com')).toBe('/');
    expect(localPath(undefined)).toBe('/');
  });

  it('refuses an unknown token and keeps no cookie', async () => {
    const { response } = await signIn('wrong');
    expect(response.statusCode).toBe(401);
    expect(response.cookies).toHaveLength(0);
    expect(response.body).toContain('That token is not valid.');
  });

  it('signs in with a token as an HttpOnly, SameSite=Strict session cookie that is not the token', async () => {
    const { response, cookie, home, csrf } = await signIn('alice-token-0123456789');
    expect(response.statusCode).toBe(303);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.value).not.toContain('alice-token');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Signed in as <strong>alice</strong>');
    expect(csrf).toMatch(/^[\w-]{43}$/);
  });

  it('refuses a form without the session’s CSRF token, or from another site', async () => {
    const { cookies, csrf } = await signIn('alice-token-0123456789');
    const post = (payload: Record<string, string>, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/applications/by-contact',
        cookies,
        headers: { ...formHeaders, ...headers },
        payload: form(payload),
      });
    expect((await post({ contact: 'x' })).statusCode).toBe(403);
    expect((await post({ contact: 'x', _csrf: 'forged' })).statusCode).toBe(403);
    const foreign = await post({ contact: 'x', _csrf: csrf ?? '' }, { origin: 'https://evil.example.com' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.body).toContain('only from this site');
    // The right token passes the guard (and the bad contact is refused by the page itself).
    const ok = await post({ contact: 'not a contact', _csrf: csrf ?? '' });
    expect(ok.statusCode).toBe(400);
    expect(ok.body).toContain('neither an email address nor a phone number');
  });

  it('refuses a page without its scope, naming the scope', async () => {
    const { cookies } = await signIn('bob-token-0123456789');
    const response = await app.inject({ method: 'GET', url: '/dead-letters', cookies });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('needs the scope &quot;dlq&quot;');
  });

  it('signs out: the session is gone', async () => {
    const { cookies, csrf } = await signIn('alice-token-0123456789');
    const out = await app.inject({
      method: 'POST',
      url: '/sign-out',
      cookies,
      headers: formHeaders,
      payload: form({ _csrf: csrf ?? '' }),
    });
    expect(out.statusCode).toBe(303);
    expect((await app.inject({ method: 'GET', url: '/', cookies })).statusCode).toBe(303);
  });
});
