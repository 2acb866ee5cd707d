import { randomBytes } from 'node:crypto';

/** What happens to messages sent to a number: delivered (default), or Twilio's failure outcomes. */
export type NumberBehavior = 'deliver' | 'undelivered' | 'failed' | 'invalid';

export type MessageStatus =
  | 'accepted'
  | 'queued'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'received';

export interface SmsMessage {
  sid: string;
  accountSid: string;
  direction: 'outbound-api' | 'outbound-reply' | 'inbound';
  from: string | null;
  to: string;
  messagingServiceSid: string | null;
  body: string;
  status: MessageStatus;
  statusHistory: { status: MessageStatus; at: string }[];
  statusCallback?: string;
  errorCode: number | null;
  createdAt: string;
}

// Twilio's own replies go straight to delivered here, so delivered counts as having been sent.
const SENT_STATUSES = new Set<MessageStatus>(['sent', 'delivered', 'undelivered', 'received']);

/**
 * Twilio's date_sent (ISO here): when the carrier took the message, or when an inbound one arrived. Unset
 * while accepted/queued and for a message that failed before sending.
 */
export function sentAt(m: SmsMessage): string | undefined {
  return m.statusHistory.find((h) => SENT_STATUSES.has(h.status))?.at;
}

/** Twilio's reserved keywords (plus the newer OPTOUT/REVOKE), handled by Twilio itself before any webhook. */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
];
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'];
export const HELP_KEYWORDS = ['HELP', 'INFO'];

/** Twilio's magic test number that is always invalid (21211). */
export const MAGIC_INVALID_NUMBER = '+15005550001';

export const newSid = (prefix: string) => prefix + randomBytes(16).toString('hex');

export class SmsStore {
  readonly messages: SmsMessage[] = [];
  readonly numberBehaviors = new Map<string, NumberBehavior>();
  /**
   * Numbers that replied STOP. Real Twilio scopes an opt-out to the sender (number or messaging service);
   * the sandbox keeps it account-wide, which is what a single-sender setup sees.
   */
  readonly optedOut = new Set<string>();

  behaviorOf(number: string): NumberBehavior {
    if (number === MAGIC_INVALID_NUMBER) return 'invalid';
    return this.numberBehaviors.get(number) ?? 'deliver';
  }

  forNumber(number: string): SmsMessage[] {
    return this.messages.filter((m) => m.to === number || m.from === number);
  }

  setStatus(message: SmsMessage, status: MessageStatus): void {
    message.status = status;
    message.statusHistory.push({ status, at: new Date().toISOString() });
  }

  reset(): void {
    this.messages.length = 0;
    this.numberBehaviors.clear();
    this.optedOut.clear();
  }
}
