import { describe, expect, it } from 'vitest';
import { matchPlatformApplicants, rejectedApplicantIndex, verificationRefs } from './platform-mapping.ts';

describe('matchPlatformApplicants', () => {
  it('matches by email, phone, name, then position', () => {
    const ours = [
      { applicantId: 'a', firstName: 'A', lastName: 'A', email: 'A@example.com' },
      { applicantId: 'b', firstName: 'B', lastName: 'B', mobilePhone: '+13035550123' },
      { applicantId: 'c', firstName: 'C', lastName: 'C' },
      { applicantId: 'd', firstName: 'D', lastName: 'D' },
    ];
    const theirs = [
      { id: 'p-c', firstName: 'C', lastName: 'C', verifications: [] },
      { id: 'p-b', phoneNumber: '+13035550123', verifications: [] },
      { id: 'p-a', email: 'a@example.com', verifications: [] },
      { id: 'p-d', verifications: [] },
    ];
    const map = matchPlatformApplicants(ours, theirs);
    expect(Object.fromEntries([...map].map(([k, v]) => [k, v.id]))).toEqual({
      a: 'p-a',
      b: 'p-b',
      c: 'p-c',
      d: 'p-d',
    });
  });
});

describe('verificationRefs', () => {
  it('keeps income/identity with their link (the verification link, else the applicant link)', () => {
    expect(
      verificationRefs({
        id: 'p',
        link: 'https://v.example.com/p',
        verifications: [
          { id: 'v1', kind: 'income', link: 'https://v.example.com/1' },
          { id: 'v2', kind: 'identity' },
          { id: 'v3', kind: 'asset', link: 'https://v.example.com/3' },
          { id: 'v4', kind: undefined },
        ],
      }),
    ).toEqual([
      { kind: 'income', verificationId: 'v1', link: 'https://v.example.com/1' },
      { kind: 'identity', verificationId: 'v2', link: 'https://v.example.com/p' },
    ]);
  });

  it('keeps the id of a verification without any link (webhooks still map by it)', () => {
    expect(verificationRefs({ id: 'p', verifications: [{ id: 'v1', kind: 'income' }] })).toEqual([
      { kind: 'income', verificationId: 'v1' },
    ]);
  });
});

describe('rejectedApplicantIndex', () => {
  it('reads the applicant index from a problem field', () => {
    expect(rejectedApplicantIndex('applicants[2].email')).toBe(2);
    expect(rejectedApplicantIndex('/applicants/1/email')).toBe(1);
    expect(rejectedApplicantIndex('property.zip_code')).toBeUndefined();
    expect(rejectedApplicantIndex(undefined)).toBeUndefined();
  });
});
