import type { KeywordAction } from './sms-keywords.ts';

/**
 * What we answer to a keyword. Twilio answers STOP/START/HELP itself on long codes when its default
 * opt-out handling is on; ours is the answer when it is off (or a provider without it is used).
 */
export function keywordReply(action: KeywordAction, brandName: string | undefined): string | undefined {
  const brand = brandName ?? 'Rental application messages';
  switch (action) {
    case 'stop':
      return `${brand}: You are unsubscribed and will receive no more messages from this number. Reply START to resubscribe.`;
    case 'start':
      return `${brand}: You are resubscribed and may receive messages about your rental application again. Reply STOP to opt out.`;
    case 'help':
      return `${brand}: Messages about verifying your rental application. Reply STOP to opt out, START to opt back in. Msg & data rates may apply.`;
    case 'none':
      return undefined;
  }
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** A TwiML response with one reply message, or an empty one (no reply). */
export function twiml(message: string | undefined): string {
  const body = message
    ? `<Message>${message.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c)}</Message>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
}
