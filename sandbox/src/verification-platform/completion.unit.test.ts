import { describe, expect, it } from 'vitest';
import { completeVerification, startVerification } from './completion.ts';
import type { ApplicantGroup, VerificationType } from './store.ts';

function group(types: VerificationType[][]): ApplicantGroup {
  return {
    id: 'g',
    clientId: 'c',
    property: { name: 'p', street_address: '', city: '', state: '', zip_code: '' },
    decisionMakerDisplayName: 'd',
    monthlyRentCents: 1,
    webhookUrl: 'http://x',
    isInvitationDisabled: false,
    createdAt: '',
    reports: [],
    applicants: types.map((ts, i) => ({
      id: `a${i}`,
      firstName: 'F',
      lastName: 'L',
      invitations: [],
      verifications: ts.map((type) => ({ id: `a${i}-${type}`, type, status: 'not_started' as const })),
    })),
  };
}

const complete = (g: ApplicantGroup, applicant: number, verification: number) => {
  const a = g.applicants[applicant];
  const v = a?.verifications[verification];
  if (!a || !v) throw new Error('no such verification');
  return completeVerification(g, a, v, 'done').map((e) => e.code);
};

describe('completeVerification', () => {
  it('starts once, and makes the household income report only when every member finished', () => {
    const g = group([['income'], ['income'], ['identity']]);
    expect(complete(g, 0, 0)).toEqual(['VERIFICATION_STARTED', 'VERIFICATION_COMPLETED']);
    expect(complete(g, 2, 0)).toEqual(['VERIFICATION_STARTED', 'VERIFICATION_COMPLETED', 'REPORT_READY']);
    expect(g.reports).toEqual([expect.objectContaining({ type: 'identity', applicantId: 'a2' })]);
    expect(complete(g, 1, 0)).toEqual(['VERIFICATION_STARTED', 'VERIFICATION_COMPLETED', 'REPORT_READY']);
    expect(g.reports[1]).toMatchObject({ type: 'income' });
    expect(g.reports[1]).not.toHaveProperty('applicantId');
  });

  it('fires COMPLETED again on re-completion but no second report', () => {
    const g = group([['identity']]);
    complete(g, 0, 0);
    expect(complete(g, 0, 0)).toEqual(['VERIFICATION_COMPLETED']);
    expect(g.reports).toHaveLength(1);
  });

  it('does not start twice', () => {
    const g = group([['income']]);
    const v = g.applicants[0]?.verifications[0];
    if (!v) throw new Error('missing');
    expect(startVerification(v)).toHaveLength(1);
    expect(startVerification(v)).toEqual([]);
  });
});
