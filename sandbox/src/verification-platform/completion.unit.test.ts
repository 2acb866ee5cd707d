import { describe, expect, it } from 'vitest';
import { completeVerification, startVerification } from './completion.ts';
import type { ApplicantGroup, PlatformSettings, VerificationType } from './store.ts';

function group(types: VerificationType[][]): ApplicantGroup {
  return {
    id: 'g',
    clientId: 'c',
    property: { id: 'p', name: 'p', street_address: '', city: '', state: '', zip_code: '' },
    decisionMakerDisplayName: 'd',
    monthlyRentCents: 1,
    webhookUrl: 'http://x',
    isInvitationDisabled: false,
    createdAtTimestamp: 0,
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

const complete = (
  g: ApplicantGroup,
  applicant: number,
  verification: number,
  household: PlatformSettings['householdReportApplicantId'] = 'omit',
) => {
  const a = g.applicants[applicant];
  const v = a?.verifications[verification];
  if (!a || !v) throw new Error('no such verification');
  return completeVerification(g, a, v, 'finished', household);
};
const codes = (bodies: { code: string }[]) => bodies.map((b) => b.code);

describe('completeVerification', () => {
  it('starts once, and makes the household income report only when every member finished', () => {
    const g = group([['income_verification'], ['income_verification'], ['identity_verification']]);
    expect(codes(complete(g, 0, 0))).toEqual(['VERIFICATION_STARTED', 'VERIFICATION_COMPLETED']);
    expect(complete(g, 2, 0)).toEqual([
      { code: 'VERIFICATION_STARTED', verification_id: 'a2-identity_verification' },
      {
        code: 'VERIFICATION_COMPLETED',
        verification_id: 'a2-identity_verification',
        reason_completed: 'finished',
      },
      {
        code: 'REPORT_READY',
        applicant_group_id: 'g',
        applicant_id: 'a2',
        report_id: expect.any(String),
        report_type: 'identity',
      },
    ]);
    expect(codes(complete(g, 1, 0))).toEqual([
      'VERIFICATION_STARTED',
      'VERIFICATION_COMPLETED',
      'REPORT_READY',
    ]);
    expect(g.reports[1]).toMatchObject({ type: 'income' });
    expect(g.reports[1]).not.toHaveProperty('applicantId');
  });

  it('puts the group id, nothing, or a member id as applicant_id on a household report, as set', () => {
    const ready = (household: PlatformSettings['householdReportApplicantId']) =>
      complete(group([['income_verification']]), 0, 0, household).find((b) => b.code === 'REPORT_READY');
    expect(ready('group_id')).toMatchObject({ applicant_id: 'g', report_type: 'income' });
    expect(ready('omit')).not.toHaveProperty('applicant_id');
    expect(ready('first_applicant')).toMatchObject({ applicant_id: 'a0' });
  });

  it('fires the same COMPLETED body again on re-completion but no second report', () => {
    const g = group([['identity_verification']]);
    const first = complete(g, 0, 0).find((b) => b.code === 'VERIFICATION_COMPLETED');
    expect(complete(g, 0, 0)).toEqual([first]);
    expect(g.reports).toHaveLength(1);
  });

  it('does not start twice', () => {
    const g = group([['income_verification']]);
    const v = g.applicants[0]?.verifications[0];
    if (!v) throw new Error('missing');
    expect(startVerification(v)).toHaveLength(1);
    expect(startVerification(v)).toEqual([]);
  });
});
