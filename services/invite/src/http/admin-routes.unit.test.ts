import { Writable } from 'node:stream';
import { createLogger } from '@autoverify/logger';
import { createHttpServer } from '@autoverify/service-kit';
import { describe, expect, it } from 'vitest';
import type { ResendRequest } from '../domain/resend.ts';
import type { ResendInvite } from '../handlers/resend-invite.ts';
import { adminRoutes } from './admin-routes.ts';

const TOKEN = 'unit-test-admin-token';
const logger = createLogger({
  service: 'invite-test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});
const body = {
  applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
  applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
  kind: 'income',
  requestedBy: 'sam',
  reason: 'never arrived',
};

async function server(token: string | undefined, previous?: string) {
  const calls: [ResendRequest, string | undefined][] = [];
  const resendInvite: ResendInvite = async (request, key) => {
    calls.push([request, key]);
    return { ok: true, replayed: false, response: { resendId: 'r1', sequence: 1, notificationIds: ['n1'] } };
  };
  const app = createHttpServer({ logger });
  await adminRoutes(app, { tokens: [token, previous], resendInvite });
  await app.ready();
  return { app, calls };
}

const post = (headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/admin/invites/resend',
  headers,
  payload: body,
});

describe('adminRoutes', () => {
  it('registers nothing without a token: the admin route answers 404', async () => {
    const { app, calls } = await server(undefined);
    const res = await app.inject(post({ authorization: 'Bearer anything-at-all' }));
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(calls).toHaveLength(0);
    await app.close();
  });

  it('answers 401 without the token and hands a valid request with its key to the use case', async () => {
    const { app, calls } = await server(TOKEN);
    expect((await app.inject(post())).statusCode).toBe(401);
    const ok = await app.inject(post({ authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'k-1' }));
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toEqual({ resendId: 'r1', sequence: 1, notificationIds: ['n1'] });
    expect(calls).toEqual([[body, 'k-1']]);
    await app.close();
  });

  it('accepts the previous token beside the current one while it is rotated', async () => {
    const PREVIOUS = 'unit-test-previous-admin-token';
    const { app, calls } = await server(TOKEN, PREVIOUS);
    expect((await app.inject(post({ authorization: `Bearer ${PREVIOUS}` }))).statusCode).toBe(202);
    expect((await app.inject(post({ authorization: `Bearer ${TOKEN}` }))).statusCode).toBe(202);
    expect(calls).toHaveLength(2);
    await app.close();
  });

  it('refuses to start with a previous token but no current one', async () => {
    const app = createHttpServer({ logger });
    await expect(
      adminRoutes(app, {
        tokens: [undefined, 'unit-test-previous-admin-token'],
        resendInvite: async () => {
          throw new Error('never called');
        },
      }),
    ).rejects.toThrow(/ADMIN_TOKEN_PREVIOUS is set without ADMIN_TOKEN/);
    await app.close();
  });
});
