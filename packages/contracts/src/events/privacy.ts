import Type from 'typebox';
import { defineEvent } from '../envelope.ts';
import { Uuid } from './common.ts';

/**
 * A data-subject erasure request for one applicant of one application (docs/security.md "Erasure"). Every
 * service holding personal data deletes or anonymises that applicant's rows and answers with ApplicantErased.
 * Ids only: the request itself must not carry what it asks to erase.
 */
export const ApplicantErasureRequested = defineEvent({
  type: 'ApplicantErasureRequested',
  version: 1,
  key: 'applicationId',
  description:
    "Erase one applicant's personal data everywhere (a data-subject request); each service answers with ApplicantErased.",
  payload: Type.Object(
    {
      requestId: Uuid,
      applicationId: Uuid,
      applicantId: Uuid,
      requestedBy: Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Staff member (support token name).',
      }),
      reason: Type.String({ minLength: 1, maxLength: 500, description: 'E.g. the ticket of the request.' }),
    },
    { additionalProperties: false },
  ),
  example: {
    requestId: '3f2c1d8e-8a41-4c0e-9a55-2f1b7a9c0d11',
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    requestedBy: 'support:dana',
    reason: 'DSR-2026-0042',
  },
});

/** One service's confirmation of an erasure: the audit record (support keeps it with the request). */
export const ApplicantErased = defineEvent({
  type: 'ApplicantErased',
  version: 1,
  key: 'applicationId',
  description:
    "A service erased an applicant's personal data; erased counts the rows deleted or anonymised per table (0 when it held none).",
  payload: Type.Object(
    {
      requestId: Uuid,
      applicationId: Uuid,
      applicantId: Uuid,
      service: Type.String({ minLength: 1, maxLength: 64 }),
      erased: Type.Record(Type.String({ pattern: '^[a-z_]{1,64}$' }), Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  example: {
    requestId: '3f2c1d8e-8a41-4c0e-9a55-2f1b7a9c0d11',
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    service: 'notify',
    erased: { notifications: 2, suppressions: 0 },
  },
});
