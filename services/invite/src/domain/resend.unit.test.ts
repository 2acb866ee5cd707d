import { describe, expect, it } from 'vitest';
import { contactHash, inviteNotificationId } from './notification-id.ts';
import {
  decideResend,
  type ResendRequest,
  type ResendState,
  resendNotificationId,
  resendRequestHash,
} from './resend.ts';

const APPLICANT = '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01';
const APPLICATION = '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10';
const now = new Date('2026-12-01T12:00:00Z');

const request: ResendRequest = {
  applicationId: APPLICATION,
  applicantId: APPLICANT,
  kind: 'income',
  requestedBy: 'sam@support',
  reason: 'applicant lost the email',
};
const expiresAt = new Date('2026-12-10T00:00:00Z');
const state: ResendState = {
  applicant: { platformEmail: 'Ada@Example.com', platformPhone: '+13035550123' },
  invite: { status: 'sent', expiresAt },
  channels: { email: true, sms: true },
  sequence: 1,
  now,
};

describe('resendNotificationId', () => {
  it('is the invite id with the resend number, never the original invite id', () => {
    const id = resendNotificationId(APPLICANT, 'income', 'email', 'ada@example.com', 2);
    expect(id).toBe(`invite:${APPLICANT}:income:email:${contactHash('email', 'ada@example.com')}:resend2`);
    expect(id).not.toBe(inviteNotificationId(APPLICANT, 'income', 'email', 'ada@example.com'));
    expect(id).not.toContain('ada@');
  });

  it('is the same for the same request and differs per resend number and contact', () => {
    const a = resendNotificationId(APPLICANT, 'income', 'sms', '+13035550123', 1);
    expect(resendNotificationId(APPLICANT, 'income', 'sms', ' +13035550123 ', 1)).toBe(a);
    expect(resendNotificationId(APPLICANT, 'income', 'sms', '+13035550123', 2)).not.toBe(a);
    expect(resendNotificationId(APPLICANT, 'income', 'sms', '+13035550999', 1)).not.toBe(a);
    expect(resendNotificationId(APPLICANT, 'identity', 'sms', '+13035550123', 1)).not.toBe(a);
  });

  it('refuses a sequence that is not a positive integer', () => {
    expect(() => resendNotificationId(APPLICANT, 'income', 'email', 'a@b.c', 0)).toThrow(RangeError);
    expect(() => resendNotificationId(APPLICANT, 'income', 'email', 'a@b.c', 1.5)).toThrow(RangeError);
  });
});

describe('resendRequestHash', () => {
  it('ignores channel order, uuid case and duplicates, but not the content', () => {
    const base = resendRequestHash({ ...request, channels: ['email', 'sms'] });
    expect(resendRequestHash({ ...request, channels: ['sms', 'email', 'sms'] })).toBe(base);
    expect(
      resendRequestHash({ ...request, applicantId: APPLICANT.toUpperCase(), channels: ['sms', 'email'] }),
    ).toBe(base);
    expect(resendRequestHash({ ...request, channels: ['email'] })).not.toBe(base);
    expect(resendRequestHash(request)).not.toBe(base);
    expect(resendRequestHash({ ...request, reason: 'other', channels: ['email', 'sms'] })).not.toBe(base);
  });
});

describe('decideResend', () => {
  it('re-sends on every usable channel by default, to the contact the platform accepted', () => {
    const decision = decideResend(request, state);
    expect(decision).toEqual({
      ok: true,
      notifications: [
        {
          channel: 'email',
          to: 'Ada@Example.com',
          notificationId: resendNotificationId(APPLICANT, 'income', 'email', 'ada@example.com', 1),
        },
        {
          channel: 'sms',
          to: '+13035550123',
          notificationId: resendNotificationId(APPLICANT, 'income', 'sms', '+13035550123', 1),
        },
      ],
    });
  });

  it('by default leaves out channels without contact or disabled for the property', () => {
    const noPhone = decideResend(request, {
      ...state,
      applicant: { platformEmail: 'ada@example.com', platformPhone: null },
    });
    expect(noPhone.ok && noPhone.notifications.map((n) => n.channel)).toEqual(['email']);
    const smsOff = decideResend(request, { ...state, channels: { email: true, sms: false } });
    expect(smsOff.ok && smsOff.notifications.map((n) => n.channel)).toEqual(['email']);
  });

  it('sends on the requested channels only, numbered by the sequence', () => {
    const decision = decideResend({ ...request, channels: ['sms'] }, { ...state, sequence: 3 });
    expect(decision.ok && decision.notifications.map((n) => [n.channel, n.notificationId])).toEqual([
      ['sms', resendNotificationId(APPLICANT, 'income', 'sms', '+13035550123', 3)],
    ]);
  });

  it('refuses a requested channel that cannot be used, saying why (422)', () => {
    const noPhone = decideResend(
      { ...request, channels: ['email', 'sms'] },
      { ...state, applicant: { platformEmail: 'ada@example.com', platformPhone: null } },
    );
    expect(noPhone).toMatchObject({
      ok: false,
      problem: { status: 422, type: 'urn:problem:channel-unavailable' },
    });
    expect(!noPhone.ok && noPhone.problem.detail).toContain('sms: the applicant has no mobile phone number');
    const emailOff = decideResend(
      { ...request, channels: ['email'] },
      { ...state, channels: { email: false, sms: true } },
    );
    expect(!emailOff.ok && emailOff.problem.detail).toBe(
      'email: email invitations are disabled for this property',
    );
  });

  it('refuses when no channel at all can be used (422)', () => {
    const decision = decideResend(request, {
      ...state,
      applicant: { platformEmail: null, platformPhone: '+13035550123' },
      channels: { email: true, sms: false },
    });
    expect(decision).toMatchObject({ ok: false, problem: { status: 422 } });
    expect(!decision.ok && decision.problem.detail).toContain('cannot be reached on any channel');
  });

  it('answers 404 for an applicant not in the application, or without an invite of that kind', () => {
    const unknown = decideResend(request, { ...state, applicant: null });
    expect(unknown).toMatchObject({ ok: false, problem: { status: 404, type: 'urn:problem:not-found' } });
    expect(!unknown.ok && unknown.problem.detail).toContain(`not part of application ${APPLICATION}`);
    const noInvite = decideResend({ ...request, kind: 'identity' }, { ...state, invite: null });
    expect(noInvite).toMatchObject({ ok: false, problem: { status: 404 } });
    expect(!noInvite.ok && noInvite.problem.detail).toContain('No identity invitation');
  });

  it('answers 409 invite-completed for a completed verification', () => {
    const decision = decideResend(request, {
      ...state,
      invite: {
        status: 'completed',
        expiresAt,
        completedAt: new Date('2026-12-02T00:00:00Z'),
      },
    });
    expect(decision).toMatchObject({
      ok: false,
      problem: { status: 409, type: 'urn:problem:invite-completed' },
    });
    expect(!decision.ok && decision.problem.detail).toContain('already completed (2026-12-02T00:00:00.000Z)');
  });

  it('answers 409 invite-expired for an expired invite, also when the expiry job has not run yet', () => {
    const expiresAt = new Date('2026-11-30T00:00:00Z');
    for (const status of ['expired', 'sent']) {
      const decision = decideResend(request, { ...state, invite: { status, expiresAt } });
      expect(decision).toMatchObject({
        ok: false,
        problem: { status: 409, type: 'urn:problem:invite-expired' },
      });
      expect(!decision.ok && decision.problem.detail).toContain('expired at 2026-11-30T00:00:00.000Z');
    }
  });
});
