import { describe, expect, it } from 'vitest';
import {
  completionsOfReport,
  completionsOfVerification,
  decideFire,
  type FireInput,
  shouldAnnounceCancellation,
} from './decisions.ts';

const A1 = '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01';
const A2 = '9e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a02';
const report = {
  applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
  entrataApplicationId: '14423',
  propertyId: '100200',
  applicantGroupId: 'grp_1',
  reportId: 'rep_1',
  scope: 'household' as const,
  applicantIds: [A1, A2, A1],
  entrataCustomerIds: ['501', '502'],
};

describe('completion signals', () => {
  it('a VerificationCompleted closes its applicant and kind', () => {
    expect(
      completionsOfVerification({
        applicationId: report.applicationId,
        applicantId: A1,
        kind: 'identity',
        verificationId: 'v',
      }),
    ).toEqual([{ applicantId: A1, kind: 'identity' }]);
  });

  it('an income or identity report closes that kind for every applicant it covers, once each', () => {
    expect(completionsOfReport({ ...report, reportType: 'income' })).toEqual([
      { applicantId: A1, kind: 'income' },
      { applicantId: A2, kind: 'income' },
    ]);
    expect(
      completionsOfReport({ ...report, reportType: 'identity', scope: 'applicant', applicantIds: [A2] }),
    ).toEqual([{ applicantId: A2, kind: 'identity' }]);
  });

  it('an asset report closes nothing', () => {
    expect(completionsOfReport({ ...report, reportType: 'asset' })).toEqual([]);
  });

  it('announces a cancellation only when something was cancelled', () => {
    expect(shouldAnnounceCancellation(0)).toBe(false);
    expect(shouldAnnounceCancellation(2)).toBe(true);
  });
});

describe('decideFire', () => {
  // Wednesday 2026-03-04 12:00 in Denver.
  const noon = new Date('2026-03-04T12:00:00-07:00');
  const base: FireInput = {
    status: 'scheduled',
    closed: null,
    expiresAt: new Date('2026-03-18T12:00:00-06:00'),
    now: noon,
    timeZone: 'America/Denver',
    state: 'CO',
    laterDue: false,
  };

  it('sends a scheduled reminder inside allowed hours', () => {
    expect(decideFire(base)).toEqual({ action: 'send' });
  });

  it.each(['sent', 'cancelled', 'skipped'] as const)('ignores a reminder already %s', (status) => {
    expect(decideFire({ ...base, status })).toEqual({ action: 'ignore' });
    expect(decideFire({ ...base, status, closed: 'completed' })).toEqual({ action: 'ignore' });
  });

  it('cancels when the applicant completed or the invite expired', () => {
    expect(decideFire({ ...base, closed: 'completed' })).toEqual({ action: 'cancel', reason: 'completed' });
    expect(decideFire({ ...base, closed: 'expired' })).toEqual({ action: 'cancel', reason: 'expired' });
  });

  it('skips a late reminder when a later one is due as well, so they do not go out back to back', () => {
    expect(decideFire({ ...base, laterDue: true })).toEqual({
      action: 'skip',
      detail: 'superseded by a later reminder that is due as well',
    });
    // Completion and expiry still win: the later reminder is cancelled with it.
    expect(decideFire({ ...base, laterDue: true, closed: 'completed' })).toEqual({
      action: 'cancel',
      reason: 'completed',
    });
  });

  it('cancels as expired when the link has expired by fire time', () => {
    expect(decideFire({ ...base, expiresAt: noon })).toEqual({ action: 'cancel', reason: 'expired' });
  });

  it('reschedules a job that runs inside quiet hours to the next window', () => {
    const late = new Date('2026-03-04T23:10:00-07:00');
    expect(decideFire({ ...base, now: late })).toEqual({
      action: 'reschedule',
      dueAt: new Date('2026-03-05T08:00:00-07:00'),
    });
  });

  it('skips when quiet hours last until the expiry', () => {
    const late = new Date('2026-03-04T23:10:00-07:00');
    const decision = decideFire({ ...base, now: late, expiresAt: new Date('2026-03-05T07:00:00-07:00') });
    expect(decision.action).toBe('skip');
  });

  it('cancelling wins over quiet hours', () => {
    const late = new Date('2026-03-04T23:10:00-07:00');
    expect(decideFire({ ...base, now: late, closed: 'completed' })).toEqual({
      action: 'cancel',
      reason: 'completed',
    });
  });
});
