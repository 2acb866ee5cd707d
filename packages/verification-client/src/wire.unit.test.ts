import { describe, expect, it } from 'vitest';
import { assumedApplicants } from './assumptions.ts';
import { kindOfPlatformType, platformVerificationType } from './kinds.ts';
import { parseAuth, parseGroup, parseGroupList, parseProblems, parseReportData } from './wire.ts';

// The documented create answer (shortened): no applicants, status "pending", float timestamp.
const documentedGroup = {
  id: '550e8400-e29b-41d4-a716-446655440000',
  property: { id: '123e', name: 'ABC Apartments' },
  status: 'pending',
  created_at_timestamp: 1640995200.123,
  monthly_rent_cents: 250000,
  unit_number: '2A',
  unit_id: null,
  correlation_id: null,
  verification_types: ['income_verification', 'identity_verification'],
};

const applicants = [
  {
    id: 7,
    first_name: 'Ada',
    email: 'ada@example.com',
    verifications: [
      {
        id: 'ver_1',
        type: 'income_verification',
        status: 'pending',
        verification_url: 'https://v.example/1',
      },
      { id: 'ver_2', type: 'identity', status: 'whatever', invitation_url: 'https://v.example/2' },
      { id: 'ver_3', type: 'credit_check' },
    ],
  },
];

describe('parseGroup (documented shape)', () => {
  it('reads the documented fields and does not need an applicants array', () => {
    expect(parseGroup(documentedGroup)).toEqual({
      id: '550e8400-e29b-41d4-a716-446655440000',
      status: 'pending',
      correlationId: undefined,
      monthlyRentCents: 250000,
      unitNumber: '2A',
      unitId: undefined,
      propertyId: '123e',
      createdAt: new Date(1640995200123),
      verificationTypes: ['income_verification', 'identity_verification'],
      applicants: undefined,
    });
  });

  it('accepts every documented status and keeps unknown ones visible as unknown', () => {
    for (const status of ['pending', 'not_started', 'in_progress', 'completed'])
      expect(parseGroup({ ...documentedGroup, status }).status).toBe(status);
    expect(parseGroup({ ...documentedGroup, status: 'archived' }).status).toBe('unknown');
  });

  it('unwraps {applicant_group} and {data}', () => {
    expect(parseGroup({ applicant_group: documentedGroup }).id).toBe(documentedGroup.id);
    expect(parseGroup({ data: documentedGroup }).id).toBe(documentedGroup.id);
  });

  it('rejects an answer without a group id as a retryable invalid_response', () => {
    expect(() => parseGroup({ status: 'pending' })).toThrow(/has no id/);
    try {
      parseGroup({});
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
    }
  });

  it('reads applicants only when present (NOT DOCUMENTED), with our kinds and links', () => {
    const parsed = parseGroup({ ...documentedGroup, applicants });
    expect(parsed.applicants?.[0]).toMatchObject({ id: '7', firstName: 'Ada', email: 'ada@example.com' });
    expect(parsed.applicants?.[0]?.verifications).toEqual([
      {
        id: 'ver_1',
        type: 'income_verification',
        kind: 'income',
        status: 'pending',
        link: 'https://v.example/1',
      },
      { id: 'ver_2', type: 'identity', kind: 'identity', status: 'unknown', link: 'https://v.example/2' },
      { id: 'ver_3', type: 'credit_check', kind: undefined, status: 'unknown', link: undefined },
    ]);
  });

  it('treats an applicants list with an applicant lacking an id as not given', () => {
    expect(assumedApplicants([{ id: 'a' }, { first_name: 'no id' }])).toBeUndefined();
    expect(assumedApplicants('nope')).toBeUndefined();
    expect(assumedApplicants([])).toEqual([]);
  });
});

describe('parseGroupList', () => {
  it('reads the documented {applicant_groups} and tolerates other list forms', () => {
    expect(parseGroupList({ applicant_groups: [documentedGroup], total_count: 1 })).toHaveLength(1);
    expect(parseGroupList([documentedGroup])).toHaveLength(1);
    expect(parseGroupList({ data: [] })).toHaveLength(0);
    expect(() => parseGroupList({})).toThrow(/not an array/);
  });
});

describe('verification types', () => {
  it('sends the documented <kind>_verification and reads both forms back', () => {
    expect(platformVerificationType('income')).toBe('income_verification');
    expect(platformVerificationType('identity')).toBe('identity_verification');
    expect(kindOfPlatformType('asset_verification')).toBe('asset');
    expect(kindOfPlatformType('income')).toBe('income');
    expect(kindOfPlatformType('income_check')).toBeUndefined();
  });
});

describe('parseAuth', () => {
  const now = 1_000_000;
  const jwt = `x.${Buffer.from(JSON.stringify({ exp: 2000 })).toString('base64url')}.y`;
  it('reads the documented Authorization header, with or without Bearer, expiry from the JWT', () => {
    expect(parseAuth(`Bearer ${jwt}`, undefined, now, 5)).toEqual({ token: jwt, expiresAt: 2_000_000 });
    expect(parseAuth(jwt, undefined, now, 5).token).toBe(jwt);
    expect(parseAuth('bearer opaque', '', now, 5)).toEqual({ token: 'opaque', expiresAt: now + 5 });
  });
  it('falls back to a token in the (undocumented) body only without the header', () => {
    expect(parseAuth(undefined, { access_token: 'body-token' }, now, 5).token).toBe('body-token');
    expect(parseAuth('Bearer head', { token: 'body' }, now, 5).token).toBe('head');
  });
  it('rejects an answer without a token', () => {
    expect(() => parseAuth(undefined, {}, now, 5)).toThrow(/no token/);
  });
});

describe('parseReportData', () => {
  it('reads the documented pdf_url', () => {
    expect(parseReportData({ report_id: 'r', pdf_url: 'https://s3.example/r.pdf?sig=1' }).pdfUrl).toBe(
      'https://s3.example/r.pdf?sig=1',
    );
    expect(() => parseReportData({ report_id: 'r' })).toThrow(/pdf_url/);
  });

  it('reads whose report it is, leaving out what the answer does not say', () => {
    expect(
      parseReportData({
        report_id: 'r',
        report_type: 'identity',
        applicant_group_id: 'grp_1',
        applicant_id: 7,
        pdf_url: 'https://s3.example/r.pdf',
        data: {},
      }),
    ).toEqual({
      reportId: 'r',
      reportType: 'identity',
      applicantGroupId: 'grp_1',
      applicantId: '7',
      pdfUrl: 'https://s3.example/r.pdf',
    });
    expect(parseReportData({ pdf_url: 'https://s3.example/r.pdf' })).toMatchObject({
      reportId: undefined,
      applicantGroupId: undefined,
    });
  });
});

describe('parseProblems', () => {
  it('reads field problems in list and map forms, and problem details', () => {
    expect(
      parseProblems({ errors: [{ field: 'applicants[1].email', message: 'is invalid' }] }).problems,
    ).toEqual([{ field: 'applicants[1].email', message: 'is invalid' }]);
    expect(parseProblems({ errors: { 'applicants[0].email': ['is invalid'] } }).problems).toEqual([
      { field: 'applicants[0].email', message: 'is invalid' },
    ]);
    expect(parseProblems({ error: { message: 'nope' } }).message).toBe('nope');
    expect(parseProblems({ title: 'Bad Request', detail: 'email does not exist' }).message).toBe(
      'email does not exist',
    );
  });
});
