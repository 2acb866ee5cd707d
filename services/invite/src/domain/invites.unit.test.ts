import { describe, expect, it } from 'vitest';
import { inviteExpiresAt, shouldExpire } from './expiry.ts';
import { type InvitableApplicant, kindsFor, planInvites } from './invites.ts';
import { contactHash, inviteNotificationId } from './notification-id.ts';

const now = new Date('2026-01-01T00:00:00.000Z');
const ada: InvitableApplicant = {
  applicantId: 'a1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  mobilePhone: '+13035550123',
  verifications: [
    { kind: 'income', verificationId: 'v1', link: 'https://v.example.com/1' },
    { kind: 'identity', verificationId: 'v2', link: 'https://v.example.com/2' },
  ],
};
const base = {
  now,
  inviteExpiryDays: 14,
  kinds: kindsFor({ identityVerification: true }),
  channels: { email: true, sms: true },
  applicants: [ada],
  invites: new Map(),
  sent: new Set<string>(),
};

describe('notification ids', () => {
  it('are deterministic, contact-specific, and do not contain the contact', () => {
    const id = inviteNotificationId('a1', 'income', 'email', 'ada@example.com');
    expect(id).toBe(inviteNotificationId('a1', 'income', 'email', ' ADA@example.com'));
    expect(id).toMatch(/^invite:a1:income:email:[0-9a-f]{12}$/);
    expect(id).not.toContain('example.com');
    expect(id).not.toBe(inviteNotificationId('a1', 'income', 'email', 'ada2@example.com'));
    expect(id).not.toBe(inviteNotificationId('a1', 'identity', 'email', 'ada@example.com'));
    expect(contactHash('sms', '+13035550123')).toHaveLength(12);
  });
});

describe('expiry', () => {
  it('is sent time plus the configured days', () => {
    expect(inviteExpiresAt(now, 14).toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(inviteExpiresAt(now, 0.5).toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(() => inviteExpiresAt(now, 0)).toThrow(RangeError);
  });
  it('applies only to invites still open at their expiry', () => {
    const expiresAt = new Date('2026-01-15T00:00:00.000Z');
    expect(shouldExpire({ status: 'sent', expiresAt }, expiresAt)).toBe(true);
    expect(shouldExpire({ status: 'sent', expiresAt }, now)).toBe(false);
    expect(shouldExpire({ status: 'completed', expiresAt }, expiresAt)).toBe(false);
  });
});

describe('planInvites', () => {
  it('first time: one invite per kind, one notification per channel', () => {
    const plan = planInvites(base);
    expect(plan.missing).toEqual([]);
    expect(
      plan.invites.map((i) => [i.kind, i.isNew, i.resend, i.notifications.map((n) => n.channel)]),
    ).toEqual([
      ['income', true, false, ['email', 'sms']],
      ['identity', true, false, ['email', 'sms']],
    ]);
    expect(plan.invites[0]).toMatchObject({
      link: 'https://v.example.com/1',
      recipientName: 'Ada Lovelace',
      expiresAt: new Date('2026-01-15T00:00:00.000Z'),
    });
  });

  it('income only when identity is off; only enabled channels', () => {
    const plan = planInvites({
      ...base,
      kinds: kindsFor({ identityVerification: false }),
      channels: { email: true, sms: false },
    });
    expect(plan.invites.map((i) => [i.kind, i.notifications.map((n) => n.channel)])).toEqual([
      ['income', ['email']],
    ]);
  });

  it('sends nothing again once requested (replay, crash recovery)', () => {
    const first = planInvites(base);
    const sent = new Set(first.invites.flatMap((i) => i.notifications.map((n) => n.notificationId)));
    const invites = new Map(
      first.invites.map((i) => [`${i.applicantId}:${i.kind}`, { status: 'sent', expiresAt: i.expiresAt }]),
    );
    expect(planInvites({ ...base, sent, invites }).invites).toEqual([]);
  });

  it('changed email: a re-send to the new address only, keeping the expiry', () => {
    const first = planInvites(base);
    const sent = new Set(first.invites.flatMap((i) => i.notifications.map((n) => n.notificationId)));
    const expiresAt = new Date('2026-01-10T00:00:00.000Z');
    const invites = new Map(
      first.invites.map((i) => [`${i.applicantId}:${i.kind}`, { status: 'sent', expiresAt }]),
    );
    const plan = planInvites({
      ...base,
      now: new Date('2026-01-05T00:00:00.000Z'),
      sent,
      invites,
      applicants: [{ ...ada, email: 'ada@new.example.com' }],
    });
    expect(
      plan.invites.map((i) => [
        i.kind,
        i.resend,
        i.isNew,
        i.expiresAt,
        i.notifications.map((n) => [n.channel, n.to]),
      ]),
    ).toEqual([
      ['income', true, false, expiresAt, [['email', 'ada@new.example.com']]],
      ['identity', true, false, expiresAt, [['email', 'ada@new.example.com']]],
    ]);
  });

  it('nothing for completed or expired invites; missing verifications are reported', () => {
    const invites = new Map([
      ['a1:income', { status: 'completed', expiresAt: now }],
      ['a1:identity', { status: 'expired', expiresAt: now }],
    ]);
    expect(planInvites({ ...base, invites }).invites).toEqual([]);
    const plan = planInvites({
      ...base,
      applicants: [{ ...ada, verifications: ada.verifications.slice(0, 1) }],
    });
    expect(plan.missing).toEqual([{ applicantId: 'a1', kind: 'identity', what: 'verification' }]);
  });

  it('reports a verification without an invitation link as missing, and sends nothing for it', () => {
    const [income, identity] = ada.verifications;
    const { link: _none, ...withoutLink } = identity as NonNullable<typeof identity>;
    const plan = planInvites({
      ...base,
      applicants: [{ ...ada, verifications: [income as NonNullable<typeof income>, withoutLink] }],
    });
    expect(plan.missing).toEqual([{ applicantId: 'a1', kind: 'identity', what: 'link' }]);
    expect(plan.invites.map((i) => i.kind)).toEqual(['income']);
  });
});
