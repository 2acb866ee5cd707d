import Type from 'typebox';
import { defineEvent } from '../envelope.ts';
import { Channel, DateTime, Id, ReportType, Uuid, VerificationKind } from './common.ts';

export const VerificationRequested = defineEvent({
  type: 'VerificationRequested',
  version: 1,
  key: 'applicationId',
  description:
    'invite created (or updated) the applicant group at the verification platform. Carries the id mapping that later platform webhooks refer to.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      entrataApplicationId: Id,
      propertyId: Id,
      applicantGroupId: Id,
      applicants: Type.Array(
        Type.Object(
          {
            applicantId: Uuid,
            entrataCustomerId: Id,
            platformApplicantId: Id,
            verifications: Type.Array(
              Type.Object({ kind: VerificationKind, verificationId: Id }, { additionalProperties: false }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    entrataApplicationId: '14423',
    propertyId: '100200',
    applicantGroupId: 'grp_123',
    applicants: [
      {
        applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
        entrataCustomerId: '501',
        platformApplicantId: 'apl_1',
        verifications: [{ kind: 'income', verificationId: 'ver_1' }],
      },
    ],
  },
});

export const InviteSent = defineEvent({
  type: 'InviteSent',
  version: 1,
  key: 'applicationId',
  description:
    'An invitation for one applicant and verification kind was handed to notify on the listed channels.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      applicantId: Uuid,
      propertyId: Id,
      kind: VerificationKind,
      channels: Type.Array(Channel, { minItems: 1 }),
      notificationIds: Type.Array(Type.String()),
      link: Type.String({ format: 'uri' }),
      expiresAt: DateTime,
      resend: Type.Boolean({ description: 'True when sent again to changed contact details.' }),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    propertyId: '100200',
    kind: 'income',
    channels: ['email', 'sms'],
    notificationIds: ['inv-1-email', 'inv-1-sms'],
    link: 'https://verify.example.com/v/ver_1',
    expiresAt: '2026-12-08T15:04:05.000Z',
    resend: false,
  },
});

export const InviteBlocked = defineEvent({
  type: 'InviteBlocked',
  version: 1,
  key: 'applicationId',
  description:
    'An applicant could not be invited (no usable contact, or the platform rejected them). Visible to support.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      applicantId: Uuid,
      kind: Type.Optional(VerificationKind),
      reason: Type.Union([
        Type.Literal('no_contact'),
        Type.Literal('invalid_contact'),
        Type.Literal('platform_rejected'),
      ]),
      detail: Type.String(),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    reason: 'no_contact',
    detail: 'no email address and no mobile phone number in Entrata',
  },
});

/**
 * v1 plus the reasons of issue 7: `rent_unknown` (no monthly rent from Entrata or the property's setting, so
 * no verification request was made) and `platform_ids_unavailable` (the platform created the request but
 * did not give the applicant and verification ids needed to send links and map its webhooks).
 */
export const InviteBlockedV2 = defineEvent({
  type: 'InviteBlocked',
  version: 2,
  key: 'applicationId',
  description:
    'An applicant could not be invited: no usable contact, the platform rejected them, the rent is unknown, or the platform gave no ids/links. The detail says what to do. Visible to support.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      applicantId: Uuid,
      kind: Type.Optional(VerificationKind),
      reason: Type.Union([
        Type.Literal('no_contact'),
        Type.Literal('invalid_contact'),
        Type.Literal('platform_rejected'),
        Type.Literal('rent_unknown'),
        Type.Literal('platform_ids_unavailable'),
      ]),
      detail: Type.String({ description: 'What happened and what to do, in plain words.' }),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    reason: 'rent_unknown',
    detail:
      'no monthly rent is known for property 100200: set the rent in Entrata or the property setting monthlyRentCents; the invitations go out once it is known',
  },
});

export const InviteExpired = defineEvent({
  type: 'InviteExpired',
  version: 1,
  key: 'applicationId',
  description: 'An invite expired before the applicant completed it.',
  payload: Type.Object(
    { applicationId: Uuid, applicantId: Uuid, kind: VerificationKind, expiredAt: DateTime },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    kind: 'income',
    expiredAt: '2026-12-08T15:04:05.000Z',
  },
});

export const VerificationCompleted = defineEvent({
  type: 'VerificationCompleted',
  version: 1,
  key: 'applicationId',
  description:
    'The platform reported that an applicant completed one verification. May repeat (applicants can reopen).',
  payload: Type.Object(
    {
      applicationId: Uuid,
      applicantId: Uuid,
      kind: VerificationKind,
      verificationId: Id,
      reasonCompleted: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    kind: 'income',
    verificationId: 'ver_1',
    reasonCompleted: 'submitted',
  },
});

/**
 * A platform webhook that belongs to a known application but could not be attributed (an unknown applicant
 * or verification, a group without applicant ids) after every retry: recorded so support sees it in the
 * application's timeline instead of it being dropped.
 */
export const PlatformWebhookUnmapped = defineEvent({
  type: 'PlatformWebhookUnmapped',
  version: 1,
  key: 'applicationId',
  description:
    'A verification-platform webhook of this application could not be mapped to an applicant or verification after every retry; ingest keeps it (webhookKey) and says why. Visible to support.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      applicantGroupId: Id,
      code: Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'The webhook code, e.g. REPORT_READY.',
      }),
      webhookKey: Type.String({ minLength: 1, description: "ingest's key of the stored webhook." }),
      reason: Type.String(),
      attempts: Type.Integer({ minimum: 1 }),
      reportId: Type.Optional(Id),
      reportType: Type.Optional(ReportType),
      verificationId: Type.Optional(Id),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantGroupId: 'grp_123',
    code: 'REPORT_READY',
    webhookKey: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    reason: 'identity report for applicant apl_9, who is not in applicant group grp_123',
    attempts: 13,
    reportId: 'rep_9',
    reportType: 'identity',
  },
});

export const ReportCompleted = defineEvent({
  type: 'ReportCompleted',
  version: 1,
  key: 'applicationId',
  description:
    'A report is ready at the platform: per applicant (identity) or per household (income). report-sync uploads it to Entrata.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      entrataApplicationId: Id,
      propertyId: Id,
      applicantGroupId: Id,
      reportId: Id,
      reportType: ReportType,
      scope: Type.Union([Type.Literal('applicant'), Type.Literal('household')]),
      applicantIds: Type.Array(Uuid, { minItems: 1, description: 'Applicants the report covers.' }),
      entrataCustomerIds: Type.Array(Id, { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    entrataApplicationId: '14423',
    propertyId: '100200',
    applicantGroupId: 'grp_123',
    reportId: 'rep_9',
    reportType: 'identity',
    scope: 'applicant',
    applicantIds: ['8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01'],
    entrataCustomerIds: ['501'],
  },
});
