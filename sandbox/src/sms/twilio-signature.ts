// Signed by the twilio package's own webhook code (what notify validates with), the webhooks module alone:
// the package's entry point loads the whole REST client.
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed by the auth token, of the full URL followed by every
 * POST parameter sorted by name, each written as name then value (a repeated name: each distinct value,
 * sorted).
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
): string {
  return getExpectedTwilioSignature(authToken, url, params);
}

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';
