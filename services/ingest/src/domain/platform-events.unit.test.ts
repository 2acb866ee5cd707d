import { describe, expect, it } from 'vitest';
import {
  type GroupMapping,
  parsePlatformWebhook,
  planReportCompleted,
  planVerificationCompleted,
  webhookIds,
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
  it('accepts the documented flat body: a code and the fields beside it', () => {
    expect(
      parsePlatformWebhook({
        code: 'VERIFICATION_COMPLETED',
        verification_id: 'ver_1',
        reason_completed: 'finished',
      }),
    ).toEqual({
      ok: true,
      webhook: {
        code: 'VERIFICATION_COMPLETED',
        fields: { verification_id: 'ver_1', reason_completed: 'finished' },
      },
    });
    expect(parsePlatformWebhook({ code: 'SOMETHING_NEW' })).toMatchObject({ ok: true });
  });
  it('refuses a body without a string code', () => {
    expect(parsePlatformWebhook({ verification_id: 'v' })).toMatchObject({ ok: false });
    expect(parsePlatformWebhook({ code: 7 })).toMatchObject({ ok: false });
    expect(parsePlatformWebhook([{ code: 'REPORT_READY' }])).toMatchObject({ ok: false });
  });
});

describe('planVerificationCompleted', () => {
  it('maps the verification to our applicant', () => {
    expect(
      planVerificationCompleted(
        { verification_id: 'ver_1', reason_completed: 'finished' },
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
        reasonCompleted: 'finished',
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
  it('keeps an income report a household report whatever applicant_id says (the documented example repeats the group id)', () => {
    for (const applicantId of ['grp_1', 'apl_1', undefined]) {
      const plan = planReportCompleted(
        {
          applicant_group_id: 'grp_1',
          ...(applicantId ? { applicant_id: applicantId } : {}),
          report_id: 'rep_2',
          report_type: 'income',
        },
        group,
      );
      expect(plan).toMatchObject({
        kind: 'publish',
        payload: { scope: 'household', reportType: 'income', entrataCustomerIds: ['501', '502'] },
      });
    }
    expect(
      planReportCompleted(
        { applicant_group_id: 'grp_1', applicant_id: 'grp_1', report_id: 'r', report_type: 'asset' },
        group,
      ),
    ).toMatchObject({ kind: 'publish', payload: { scope: 'household' } });
  });
  it('cannot attribute an identity report without an applicant id, or with the group id', () => {
    for (const applicantId of ['grp_1', undefined])
      expect(
        planReportCompleted(
          {
            applicant_group_id: 'grp_1',
            ...(applicantId ? { applicant_id: applicantId } : {}),
            report_id: 'r',
            report_type: 'identity',
          },
          group,
        ),
      ).toMatchObject({ kind: 'unmapped', reason: expect.stringMatching(/cannot be attributed/) });
    expect(
      planReportCompleted(
        { applicant_group_id: 'grp_1', applicant_id: 'apl_9', report_id: 'r', report_type: 'identity' },
        group,
      ),
    ).toMatchObject({ kind: 'unmapped', reason: 'applicant apl_9 is not known in applicant group grp_1' });
  });
  it('waits when the group is known without applicant ids', () => {
    expect(
      planReportCompleted(
        { applicant_group_id: 'grp_1', report_id: 'r', report_type: 'income' },
        { ...group, applicants: [] },
      ),
    ).toMatchObject({ kind: 'unmapped', reason: expect.stringMatching(/no known applicants/) });
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

describe('webhookIds', () => {
  it('keeps only plausible ids for the record', () => {
    expect(webhookIds({ report_id: 'r', report_type: 'income', verification_id: 7 })).toEqual({
      reportId: 'r',
      reportType: 'income',
      verificationId: '7',
    });
    expect(webhookIds({ report_type: 'credit', report_id: 'x'.repeat(200) })).toEqual({});
  });
});
