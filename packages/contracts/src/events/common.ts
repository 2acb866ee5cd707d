import Type, { type Static } from 'typebox';

export const Id = Type.String({ minLength: 1, maxLength: 128 });
export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const VerificationKind = Type.Union([Type.Literal('income'), Type.Literal('identity')]);
export type VerificationKind = Static<typeof VerificationKind>;
export const ReportType = Type.Union([
  Type.Literal('income'),
  Type.Literal('identity'),
  Type.Literal('asset'),
]);
export type ReportType = Static<typeof ReportType>;
export const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms')]);
export type Channel = Static<typeof Channel>;
export const ApplicantRole = Type.Union([
  Type.Literal('primary'),
  Type.Literal('co-applicant'),
  Type.Literal('guarantor'),
]);
/** E.164, e.g. +13035550123 */
export const PhoneE164 = Type.String({ pattern: '^\\+[1-9][0-9]{7,14}$' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
