import Type, { type Static } from 'typebox';
import { defineEvent } from '../envelope.ts';
import { ApplicantRole, DateTime, Email, Id, PhoneE164, Uuid } from './common.ts';

const ContactIssue = Type.Object(
  {
    field: Type.Union([Type.Literal('email'), Type.Literal('phone')]),
    problem: Type.Union([Type.Literal('missing'), Type.Literal('invalid')]),
  },
  { additionalProperties: false },
);

export const Applicant = Type.Object(
  {
    applicantId: Uuid,
    entrataCustomerId: Id,
    role: ApplicantRole,
    firstName: Type.String({ maxLength: 200 }),
    lastName: Type.String({ maxLength: 200 }),
    email: Type.Optional(Email),
    mobilePhone: Type.Optional(PhoneE164),
    contactIssues: Type.Array(ContactIssue, {
      description: 'Why a channel cannot be used; reported, never skipped silently.',
    }),
  },
  { additionalProperties: false },
);

export const ApplicationSubmitted = defineEvent({
  type: 'ApplicationSubmitted',
  version: 1,
  key: 'applicationId',
  description:
    'An application was submitted in Entrata and its applicants were read from the Entrata API. Published by ingest for a webhook, a reconciliation poll or a replay.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      entrataApplicationId: Id,
      propertyId: Id,
      leadId: Type.Optional(Id),
      submittedAt: DateTime,
      source: Type.Union([Type.Literal('webhook'), Type.Literal('reconciliation')]),
      applicants: Type.Array(Applicant, { minItems: 1 }),
      excluded: Type.Array(
        Type.Object(
          { entrataCustomerId: Id, role: Type.String(), reason: Type.String() },
          { additionalProperties: false },
        ),
        { description: 'People on the application who get no invite (e.g. occupants, minors).' },
      ),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    entrataApplicationId: '14423',
    propertyId: '100200',
    leadId: '88123',
    submittedAt: '2026-11-24T15:04:05.000Z',
    source: 'webhook',
    applicants: [
      {
        applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
        entrataCustomerId: '501',
        role: 'primary',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        mobilePhone: '+13035550123',
        contactIssues: [],
      },
    ],
    excluded: [{ entrataCustomerId: '503', role: 'occupant', reason: 'occupants are not applicants' }],
  },
});

/**
 * v1 plus the monthly rent the verification platform requires (`monthly_rent`, integer cents). Absent when
 * neither Entrata nor the property's setting gives it: invite then creates no verification request and
 * reports InviteBlocked `rent_unknown` instead of inventing an amount. A v1 event means "rent unknown".
 */
export const ApplicationSubmittedV2 = defineEvent({
  type: 'ApplicationSubmitted',
  version: 2,
  key: 'applicationId',
  description:
    'An application was submitted in Entrata and its applicants were read from the Entrata API, with the monthly rent when known. Published by ingest for a webhook, a reconciliation poll or a replay.',
  payload: Type.Object(
    {
      ...ApplicationSubmitted.payload.properties,
      monthlyRentCents: Type.Optional(
        Type.Integer({ minimum: 1, description: 'Monthly rent in cents; absent when unknown.' }),
      ),
      rentSource: Type.Optional(
        Type.Union([Type.Literal('entrata'), Type.Literal('property_setting')], {
          description: 'Where monthlyRentCents came from (set together with it).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  example: { ...ApplicationSubmitted.example, monthlyRentCents: 185000, rentSource: 'property_setting' },
});

/**
 * The most people one application may carry: beyond it an application is not published (ingest reports
 * ApplicationReadFailed v2 `application_too_large`), so one odd or hostile Entrata record cannot flood
 * invites, notifications or the broker.
 */
export const MAX_APPLICANTS = 20;
export const MAX_EXCLUDED = 50;

/**
 * v2 with limits on what is copied from Entrata: at most MAX_APPLICANTS applicants and MAX_EXCLUDED excluded
 * people, and a maximum length on every text field (names 200 and ids 128 as before, role 50, reason 500). A new version
 * because the limits refuse payloads v2 accepted; the fields and their meaning are v2's.
 */
export const ApplicationSubmittedV3 = defineEvent({
  type: 'ApplicationSubmitted',
  version: 3,
  key: 'applicationId',
  description:
    'An application was submitted in Entrata and its applicants were read from the Entrata API, with the monthly rent when known; within the size limits (v2 had none). Published by ingest for a webhook, a reconciliation poll or a replay.',
  payload: Type.Object(
    {
      ...ApplicationSubmittedV2.payload.properties,
      applicants: Type.Array(Applicant, { minItems: 1, maxItems: MAX_APPLICANTS }),
      excluded: Type.Array(
        Type.Object(
          {
            entrataCustomerId: Id,
            role: Type.String({ maxLength: 50 }),
            reason: Type.String({ maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: MAX_EXCLUDED,
          description: 'People on the application who get no invite (e.g. occupants, minors).',
        },
      ),
    },
    { additionalProperties: false },
  ),
  example: ApplicationSubmittedV2.example,
});

/** Why ingest could not turn an application into ApplicationSubmitted; each code has its own next step. */
export const ApplicationReadFailureReason = Type.Union([
  Type.Literal('tenant_unknown'),
  Type.Literal('application_not_found'),
  Type.Literal('entrata_rejected'),
  Type.Literal('entrata_unavailable'),
  Type.Literal('entrata_response_invalid'),
  Type.Literal('no_applicants'),
]);
export type ApplicationReadFailureReason = Static<typeof ApplicationReadFailureReason>;

/** v1's reasons plus `application_too_large`: more people or longer text than ApplicationSubmitted v3 allows. */
export const ApplicationReadFailureReasonV2 = Type.Union([
  ...ApplicationReadFailureReason.anyOf,
  Type.Literal('application_too_large'),
]);
export type ApplicationReadFailureReasonV2 = Static<typeof ApplicationReadFailureReasonV2>;

export const ApplicationReadFailed = defineEvent({
  type: 'ApplicationReadFailed',
  version: 1,
  key: 'applicationId',
  description:
    'Ingest could not read an application from Entrata (or found nobody to invite), so no invite was sent. Published for every sync that ends failed, with what support can do about it.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      entrataApplicationId: Id,
      propertyId: Id,
      source: Type.Union([Type.Literal('webhook'), Type.Literal('reconciliation')]),
      reasonCode: ApplicationReadFailureReason,
      detail: Type.String({ maxLength: 2000, description: 'What went wrong, in plain words.' }),
      action: Type.String({ maxLength: 1000, description: 'What support or the customer can do next.' }),
      attempts: Type.Integer({ minimum: 1, description: 'Attempts of this sync, the failing one included.' }),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    entrataApplicationId: '14423',
    propertyId: '100200',
    source: 'webhook',
    reasonCode: 'application_not_found',
    detail: 'getLeads found no application 14423 at property 100200.',
    action:
      'Check the application id and property in Entrata. The reconciliation poll tries a failed application again after an hour.',
    attempts: 1,
  },
});

/** v1 with the reason `application_too_large` (a new version: v1 consumers do not know that reason). */
export const ApplicationReadFailedV2 = defineEvent({
  type: 'ApplicationReadFailed',
  version: 2,
  key: 'applicationId',
  description:
    'Ingest could not read an application from Entrata, found nobody to invite, or found it beyond the size limits of ApplicationSubmitted v3, so no invite was sent. Published for every sync that ends failed, with what support can do about it.',
  payload: Type.Object(
    { ...ApplicationReadFailed.payload.properties, reasonCode: ApplicationReadFailureReasonV2 },
    { additionalProperties: false },
  ),
  example: {
    ...ApplicationReadFailed.example,
    reasonCode: 'application_too_large',
    detail: 'The application has 35 applicants; at most 20 are published.',
    action: 'Check the application in Entrata: split it, or remove people who should not be on it.',
  },
});
