export type Channel = 'email' | 'sms';
export type Purpose = 'invite' | 'reminder';
export type VerificationKind = 'income' | 'identity';
export type FailureReason =
  | 'opted_out'
  | 'invalid_recipient'
  | 'bounced'
  | 'undelivered'
  | 'retries_exhausted';

/** The sender identity configured per customer (tenant settings `sender`). */
export interface SenderSettings {
  brandName: string;
  emailFrom: string;
  emailFromName: string;
  smsFrom: string;
  replyTo?: string | undefined;
}
