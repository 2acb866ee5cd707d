import { Writable } from 'node:stream';
import { createLogger } from '@autoverify/logger';
import { createHttpServer } from '@autoverify/service-kit';
import { describe, expect, it } from 'vitest';
import type { ResendInvite } from '../handlers/resend-invite.ts';
import { adminRoutes } from './admin-routes.ts';

// Support's admin commands act on any customer's applicants: a near-miss credential must get nowhere.
const TOKEN = 'invite-admin-token-0123456789';
const lines: string[] = [];
const logger = createLogger({
  service: 'invite-test',
  level: 'info',
  destination: new Writable({
    write: (chunk, _e, done) => {
      lines.push(String(chunk));
      done();
    },
  }),
});

// service-kit's bearerAuth: no bearer credential -> 401 (with WWW-Authenticate), a wrong one -> 403.
describe('invite admin routes refuse wrong tokens', () => {
  it.each([
    ['a wrong token', `Bearer not-${TOKEN}`, 403],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`, 403],
    ['the token with a suffix', `Bearer ${TOKEN}x`, 403],
    ['the token under another scheme', `Basic ${TOKEN}`, 401],
    ['the token without a scheme', TOKEN, 401],
    ['another service token', 'Bearer report-sync-admin-token-0123456789', 403],
    ['an empty bearer', 'Bearer ', 401],
  ])('%s -> %i problem, use case never called, token not logged', async (_name, authorization, status) => {
    let called = 0;
    const resendInvite: ResendInvite = async () => {
      called++;
      return { ok: true, replayed: false, response: { resendId: 'r', sequence: 1, notificationIds: [] } };
    };
    const app = createHttpServer({ logger });
    await adminRoutes(app, { tokens: [TOKEN, undefined], resendInvite });
    const res = await app.inject({
      method: 'POST',
      url: '/admin/invites/resend',
      headers: { authorization },
      payload: {
        applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
        applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
        kind: 'income',
        requestedBy: 'mallory',
        reason: 'probing',
      },
    });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(called).toBe(0);
    expect(lines.join('')).not.toContain(TOKEN);
    await app.close();
  });
});
