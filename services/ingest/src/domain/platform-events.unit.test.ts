import { describe, expect, it } from 'vitest';
import {
  type GroupMapping,
  parsePlatformWebhook,
  planReportCompleted,
  planVerificationCompleted,
} from './platform-events.ts';

const group: GroupMapping = {
  applicantGroupId: 'grp_1',
  tenantId: 'acme',
  applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
  entrataApplicationId: '2000001',
  propertyId: '100200',
  applicants: [
    {
      platformApplicantId: 'apl_1',
      applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
      entrataCustomerId: '501',
    },
    {
      platformApplicantId: 'apl_2',
      applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a02',
      entrataCustomerId: '502',
    },
  ],
};
const verification = {
  verificationId: 'ver_1',
  kind: 'income',
  platformApplicantId: 'apl_2',
  applicantGroupId: 'grp_1',
};

describe('parsePlatformWebhook', () => {
  it('accepts {code, data} with optional event_id', () => {
    expect(parsePlatformWebhook({ code: 'REPORT_READY', data: {}, event_id: 'e1' })).toEqual({
      ok: true,
      webhook: { code: 'REPORT_READY', data: {}, eventId: 'e1' },
    });
    expect(parsePlatformWebhook({ data: {} })).toMatchObject({ ok: false });
  });
});

describe('planVerificationCompleted', () => {
  it('maps the verification to our applicant', () => {
    expect(
      planVerificationCompleted(
        { verification_id: 'ver_1', reason_completed: 'submitted' },
        verification,
        group,
      ),
    ).toEqual({
      kind: 'publish',
      payload: {
        applicationId: group.applicationId,
        applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a02',
        kind: 'income',
        verificationId: 'ver_1',
        reasonCompleted: 'submitted',
      },
    });
  });
  it('says when the mapping is not known yet', () => {
    expect(planVerificationCompleted({ verification_id: 'ver_1' }, undefined, undefined)).toMatchObject({
      kind: 'unmapped',
    });
    expect(planVerificationCompleted({}, verification, group)).toMatchObject({ kind: 'invalid' });
  });
});

describe('planReportCompleted', () => {
  it('scopes an applicant report to that applicant', () => {
    const plan = planReportCompleted(
      { applicant_group_id: 'grp_1', applicant_id: 'apl_1', report_id: 'rep_1', report_type: 'identity' },
      group,
    );
    expect(plan).toMatchObject({
      kind: 'publish',
      payload: {
        scope: 'applicant',
        reportType: 'identity',
        applicantIds: ['8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01'],
        entrataCustomerIds: ['501'],
      },
    });
  });
  it('scopes a report without applicant_id to the household', () => {
    const plan = planReportCompleted(
      { applicant_group_id: 'grp_1', report_id: 'rep_2', report_type: 'income' },
      group,
    );
    expect(plan).toMatchObject({
      kind: 'publish',
      payload: { scope: 'household', entrataCustomerIds: ['501', '502'], entrataApplicationId: '2000001' },
    });
  });
  it('rejects incomplete data and waits for unknown groups', () => {
    expect(planReportCompleted({ applicant_group_id: 'grp_1', report_id: 'r' }, group)).toMatchObject({
      kind: 'invalid',
    });
    expect(
      planReportCompleted({ applicant_group_id: 'grp_1', report_id: 'r', report_type: 'credit' }, group),
    ).toMatchObject({ kind: 'invalid' });
    expect(
      planReportCompleted({ applicant_group_id: 'grp_9', report_id: 'r', report_type: 'income' }, undefined),
    ).toMatchObject({ kind: 'unmapped' });
  });
});
