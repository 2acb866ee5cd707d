import { firstNameOf, type MessageContext, whatToVerify } from './context.ts';
import { formatExpiry } from './expiry.ts';

export interface RenderedSms {
  body: string;
  segments: number;
}

const STOP_LINE = 'Reply STOP to opt out.';
const MAX_SEGMENTS = 2;

/**
 * A short text: brand, what to do, the link, the expiry and the opt-out line. Longer variants are tried
 * first; detail is dropped (name, then property) until the text fits two segments. The opt-out wording and
 * the link are never dropped.
 */
export function renderSms(ctx: MessageContext): RenderedSms {
  const what = whatToVerify(ctx.kind);
  const first = firstNameOf(ctx.recipientName);
  const expiry = `Expires ${formatExpiry(ctx.expiresAt, ctx.timeZone, 'short')}.`;
  const prefix = ctx.purpose === 'invite' ? `${ctx.brandName}:` : `${ctx.brandName} reminder:`;
  const ask =
    ctx.purpose === 'invite'
      ? (where: string) => `please verify your ${what} for your application${where}:`
      : (where: string) => `your ${what} verification for your application${where} is still open:`;
  const at = ` at ${ctx.propertyName}`;
  const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

  const candidates = [
    first ? `${prefix} Hi ${first}, ${ask(at)} ${ctx.link} ${expiry} ${STOP_LINE}` : undefined,
    `${prefix} ${capitalise(ask(at))} ${ctx.link} ${expiry} ${STOP_LINE}`,
    `${prefix} ${capitalise(ask(''))} ${ctx.link} ${expiry} ${STOP_LINE}`,
    `${prefix} Verify your ${what}: ${ctx.link} ${STOP_LINE}`,
  ].filter((c): c is string => c !== undefined);

  for (const body of candidates) {
    const segments = smsSegments(body);
    if (segments <= MAX_SEGMENTS) return { body, segments };
  }
  // A very long link or brand: send the shortest text anyway rather than no invitation at all.
  const body = candidates[candidates.length - 1] as string;
  return { body, segments: smsSegments(body) };
}

// GSM 03.38 basic character set, and the extension table whose characters take two septets.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/** Number of SMS segments: GSM-7 160/153 characters, otherwise UCS-2 70/67 UTF-16 code units. */
export function smsSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
