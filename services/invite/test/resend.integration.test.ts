import { VerificationCompleted } from '@autoverify/contracts';
import { waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resendNotificationId } from '../src/domain/resend.ts';
import {
  type InviteTest,
  ofType,
  type SubmittedApplicant,
  startInviteTest,
  submission,
  applicant as submittedApplicant,
  TENANT,
} from './harness.ts';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const PREVIOUS_ADMIN_TOKEN = 'previous-admin-token-0123456789';

let h: InviteTest;

/** The application's primary applicant, Ada Lovelace. */
const applicant = (entrataApplicationId: string, contact: Partial<SubmittedApplicant>) =>
  submittedApplicant(entrataApplicationId, '1', { firstName: 'Ada', lastName: 'Lovelace', ...contact });

async function resend(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await h.service.app.inject({
    method: 'POST',
    url: '/admin/invites/resend',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    payload: body,
  });
  return { status: res.statusCode, headers: res.headers, body: res.json() as Record<string, unknown> };
}

/** Publishes a submission and waits for its `count` InviteSent. */
async function invited(
  entrataApplicationId: string,
  propertyId: string,
  a: SubmittedApplicant,
  count: number,
) {
  const event = submission(entrataApplicationId, propertyId, [a]);
  await h.publishEnvelope(event);
  await waitFor(
    async () => ofType(await h.invitesOf(event.payload.applicationId), 'InviteSent').length === count,
    { message: `${count} InviteSent` },
  );
  return event.payload.applicationId;
}

beforeAll(async () => {
  h = await startInviteTest({
    properties: {
      '1': { name: 'Aspen Ridge' },
      // Expires ~2.6 s after the invite.
      '3': { name: 'Quick Expiry', identityVerification: false, inviteExpiryDays: 0.00003 },
    },
    env: { ADMIN_TOKEN, ADMIN_TOKEN_PREVIOUS: PREVIOUS_ADMIN_TOKEN },
  });
});

afterAll(async () => {
  await h?.stop();
});

describe('POST /admin/invites/resend', () => {
  // service-kit's bearerAuth: no bearer credential -> 401 with WWW-Authenticate, a wrong one -> 403.
  it('refuses a missing (401) or wrong (403) token before looking at the body', async () => {
    const post = (authorization: string | undefined) =>
      h.service.app.inject({
        method: 'POST',
        url: '/admin/invites/resend',
        headers: authorization ? { authorization } : {},
        payload: { nonsense: true },
      });
    for (const authorization of [undefined, ADMIN_TOKEN]) {
      const res = await post(authorization);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['www-authenticate']).toContain('Bearer');
      expect(res.json()).toMatchObject({ status: 401, type: 'urn:problem:unauthorized' });
    }
    const wrong = await post('Bearer not-the-token');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json()).toMatchObject({ status: 403, type: 'urn:problem:forbidden' });
    // While the token is rotated the previous one still gets in (and then the body is checked: 400).
    expect((await post(`Bearer ${PREVIOUS_ADMIN_TOKEN}`)).statusCode).toBe(400);
  });

  it('lists every invalid field (400 problem)', async () => {
    const res = await resend(
      { applicationId: 'nope', kind: 'credit', channels: ['fax'], requestedBy: '', channel: 'sms' },
      { 'idempotency-key': 'has spaces' },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, type: 'urn:problem:validation' });
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.applicationId',
        'body.applicantId',
        'body.kind',
        'body.channels.0',
        'body.requestedBy',
        'body.reason',
        'body.channel',
      ]),
    );
    const header = await resend(
      {
        applicationId: crypto.randomUUID(),
        applicantId: crypto.randomUUID(),
        kind: 'income',
        requestedBy: 'sam',
        reason: 'lost it',
      },
      { 'idempotency-key': 'has spaces' },
    );
    expect(header.status).toBe(400);
    expect((header.body.errors as { path: string }[]).map((e) => e.path)).toEqual([
      'headers.idempotency-key',
    ]);
  });

  it('re-sends an open invite once per request, on new ids, idempotently per Idempotency-Key; replays stay silent', async () => {
    const ada = applicant('2001', { email: 'ada@example.com', mobilePhone: '+13035550123' });
    const applicationId = await invited('2001', '1', ada, 2);
    const before = await h.notificationsOf(applicationId);
    expect(before).toHaveLength(4);

    const body = {
      applicationId,
      applicantId: ada.applicantId,
      kind: 'income',
      requestedBy: 'sam@support',
      reason: 'applicant says the email never arrived',
    };
    const first = await resend(body, { 'idempotency-key': 'ticket-4711' });
    expect(first.status).toBe(202);
    const expectedIds = [
      resendNotificationId(ada.applicantId, 'income', 'email', 'ada@example.com', 1),
      resendNotificationId(ada.applicantId, 'income', 'sms', '+13035550123', 1),
    ];
    expect(first.body).toEqual({ resendId: expect.any(String), sequence: 1, notificationIds: expectedIds });

    // The client retries (lost response): the stored answer, nothing new.
    const again = await resend(body, { 'idempotency-key': 'ticket-4711' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const reused = await resend({ ...body, kind: 'identity' }, { 'idempotency-key': 'ticket-4711' });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: 'urn:problem:idempotency-key-reused' });

    const fresh = await waitFor(
      async () => {
        const all = await h.notificationsOf(applicationId);
        return all.length >= 6 ? all.slice(4) : undefined;
      },
      { message: 'the re-sent notifications' },
    );
    const income = before.find((n) => n.payload.kind === 'income');
    expect(fresh.map((n) => n.payload.notificationId).sort()).toEqual([...expectedIds].sort());
    for (const n of fresh)
      expect(n.payload).toMatchObject({
        purpose: 'invite',
        kind: 'income',
        link: income?.payload.link,
        expiresAt: income?.payload.expiresAt,
        recipientName: 'Ada Lovelace',
      });
    expect(fresh.map((n) => [n.payload.channel, n.payload.to]).sort()).toEqual([
      ['email', 'ada@example.com'],
      ['sms', '+13035550123'],
    ]);
    const resent = await waitFor(
      async () => {
        const all = ofType(await h.invitesOf(applicationId), 'InviteSent').filter((e) => e.payload.resend);
        return all.length > 0 ? all : undefined;
      },
      { message: 'InviteSent resend=true' },
    );
    expect(resent).toHaveLength(1);
    expect(resent[0]?.payload).toMatchObject({
      kind: 'income',
      channels: ['email', 'sms'],
      notificationIds: expectedIds,
      resend: true,
    });

    // A replay of the submission (new event id, same content) must not invite again.
    const replay = submission('2001', '1', [ada]);
    await h.publishEnvelope(replay);
    // Consumed, no platform job left, everything it caused on Kafka: then count.
    await h.settled(replay);
    expect(await h.notificationsOf(applicationId)).toHaveLength(6);
    expect(ofType(await h.invitesOf(applicationId), 'InviteSent')).toHaveLength(3);

    // A second, deliberate request (no key) on one channel is the next in sequence.
    const second = await resend({ ...body, channels: ['sms'], reason: 'the text got lost too' });
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({
      sequence: 2,
      notificationIds: [resendNotificationId(ada.applicantId, 'income', 'sms', '+13035550123', 2)],
    });
    await waitFor(async () => (await h.notificationsOf(applicationId)).length === 7);

    const audit = await h.service.db.client.inviteResend.findMany({
      where: { applicantId: ada.applicantId },
      orderBy: { sequence: 'asc' },
    });
    expect(audit.map((r) => [r.kind, r.sequence, r.channels, r.requestedBy, r.idempotencyKey])).toEqual([
      ['income', 1, ['email', 'sms'], 'sam@support', 'ticket-4711'],
      ['income', 2, ['sms'], 'sam@support', null],
    ]);
  });

  it('answers 404 for an unknown applicant and 422 for a channel the applicant cannot be reached on', async () => {
    const bea = applicant('2002', { email: 'bea@example.com' });
    const applicationId = await invited('2002', '1', bea, 2);
    const base = { applicationId, kind: 'income', requestedBy: 'sam', reason: 'lost it' };

    const unknown = await resend({ ...base, applicantId: crypto.randomUUID() });
    expect(unknown).toMatchObject({ status: 404, body: { type: 'urn:problem:not-found' } });
    const otherApplication = await resend({
      ...base,
      applicationId: crypto.randomUUID(),
      applicantId: bea.applicantId,
    });
    expect(otherApplication.status).toBe(404);

    const sms = await resend({ ...base, applicantId: bea.applicantId, channels: ['sms'] });
    expect(sms).toMatchObject({ status: 422, body: { type: 'urn:problem:channel-unavailable' } });
    expect(sms.body.detail).toContain('no mobile phone number');
    expect(await h.service.db.client.inviteResend.count({ where: { applicantId: bea.applicantId } })).toBe(0);
  });

  it('answers 409 once the verification is completed, and 409 for an expired invite', async () => {
    const cy = applicant('2003', { email: 'cy@example.com' });
    const applicationId = await invited('2003', '1', cy, 2);
    const requested = ofType(await h.invitesOf(applicationId), 'VerificationRequested')[0]!;
    const income = (
      requested.payload.applicants as { verifications: { kind: string; verificationId: string }[] }[]
    )[0]!.verifications.find((v) => v.kind === 'income')!;
    await h.publish(
      VerificationCompleted,
      {
        applicationId,
        applicantId: cy.applicantId,
        kind: 'income',
        verificationId: income.verificationId,
        reasonCompleted: 'submitted',
      },
      { tenantId: TENANT, correlationId: applicationId },
    );
    await waitFor(
      async () =>
        (
          await h.service.db.client.invite.findUnique({
            where: { applicantId_kind: { applicantId: cy.applicantId, kind: 'income' } },
          })
        )?.status === 'completed',
      { message: 'invite completed' },
    );
    const body = {
      applicationId,
      applicantId: cy.applicantId,
      kind: 'income',
      requestedBy: 'sam',
      reason: 'x',
    };
    const completed = await resend(body);
    expect(completed).toMatchObject({ status: 409, body: { type: 'urn:problem:invite-completed' } });
    expect(completed.body.detail).toContain('already completed');
    // The identity invite is still open.
    expect((await resend({ ...body, kind: 'identity' })).status).toBe(202);

    const dee = applicant('2004', { email: 'dee@example.com' });
    const expiring = await invited('2004', '3', dee, 1);
    await waitFor(async () => ofType(await h.invitesOf(expiring), 'InviteExpired').length === 1, {
      message: 'invite expired',
    });
    const expired = await resend({ ...body, applicationId: expiring, applicantId: dee.applicantId });
    expect(expired).toMatchObject({ status: 409, body: { type: 'urn:problem:invite-expired' } });
    expect(expired.body.detail).toContain('expired at');
  });
});
