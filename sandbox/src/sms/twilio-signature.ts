import { createHmac } from 'node:crypto';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed by the auth token, of the full URL followed by every
 * POST parameter sorted by name, each written as name then value. A repeated name contributes each distinct
 * value, sorted, as Twilio's Python helper computes it (the callbacks this sandbox sends never repeat a name).
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value ?? ''];
    for (const v of values) data += key + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';
