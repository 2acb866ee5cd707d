import type { Purpose, VerificationKind } from '../types.ts';

/** Everything a message says, resolved from the request and the customer's settings. */
export interface MessageContext {
  purpose: Purpose;
  kind: VerificationKind;
  recipientName: string;
  link: string;
  expiresAt: string;
  reminderNumber?: number | undefined;
  brandName: string;
  propertyName: string;
  /** IANA zone of the property: the applicant reads dates in the property's local time. */
  timeZone: string;
}

export const whatToVerify = (kind: VerificationKind): string => (kind === 'income' ? 'income' : 'identity');

/** "Ada" from "Ada Lovelace"; empty when no name is on file. */
export const firstNameOf = (recipientName: string): string => recipientName.trim().split(/\s+/, 1)[0] ?? '';
