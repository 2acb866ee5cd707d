// The webhooks module alone: the twilio package's entry point loads the whole REST client (tens of MB).
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';

export type FormParams = Record<string, string | string[]>;

/**
 * Whether one of the auth tokens signed this request (X-Twilio-Signature over the full public URL and the
 * form parameters), by Twilio's own validation. Two tokens while one is rotated out; every token is checked
 * (no early exit), each comparison in constant time.
 */
export function signedByTwilio(
  authTokens: readonly string[],
  url: string,
  params: FormParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  let genuine = false;
  for (const token of authTokens) if (validateRequest(token, signature, url, params)) genuine = true;
  return genuine;
}
