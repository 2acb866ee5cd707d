import { Agent, request } from 'undici';
import { classifyTwilioResponse, ProviderError } from '../domain/send-failure.ts';

export interface OutgoingSms {
  to: string;
  from: string;
  body: string;
}

export interface SmsProvider {
  /** Resolves with the provider's message id (sid); throws ProviderError otherwise. */
  send(sms: OutgoingSms): Promise<string>;
  /**
   * The sid of a message with exactly this sender, recipient and body created since `since`, if the provider
   * has one: how a re-run finds out whether a send interrupted by a crash went out after all.
   */
  findSent(sms: OutgoingSms, since: Date): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface TwilioOptions {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  statusCallbackUrl: string;
}

interface TwilioMessage {
  sid?: unknown;
  to?: unknown;
  from?: unknown;
  body?: unknown;
  date_created?: unknown;
}

const MAX_LOOKUP_PAGES = 5;

/** The Twilio Messages API (or anything speaking it, such as the sandbox) over undici. */
export function twilioSmsProvider(options: TwilioOptions): SmsProvider {
  const dispatcher = new Agent({ connectTimeout: 10_000, headersTimeout: 15_000, bodyTimeout: 15_000 });
  const base = options.baseUrl.replace(/\/+$/, '');
  const messagesPath = `/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  const call = async (method: 'GET' | 'POST', url: string, form?: URLSearchParams) => {
    try {
      return await request(url, {
        method,
        dispatcher,
        headers: {
          authorization,
          accept: 'application/json',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form?.toString(),
      });
    } catch (error) {
      // Connection refused/reset, DNS, timeouts: the request may not have arrived; worth another try.
      const code = (error as { code?: string }).code ?? (error as Error).name;
      throw new ProviderError(
        { kind: 'transient', detail: `Twilio request failed: ${code}`, uncertain: true },
        { cause: error },
      );
    }
  };

  const readJson = async (body: { json(): Promise<unknown>; text(): Promise<string> }): Promise<unknown> => {
    try {
      return await body.json();
    } catch {
      return undefined;
    }
  };

  return {
    async send(sms) {
      const form = new URLSearchParams({
        To: sms.to,
        From: sms.from,
        Body: sms.body,
        StatusCallback: options.statusCallbackUrl,
      });
      const response = await call('POST', `${base}${messagesPath}`, form);
      const json = (await readJson(response.body)) as
        | (TwilioMessage & { code?: unknown; message?: unknown })
        | undefined;
      if (response.statusCode >= 200 && response.statusCode < 300) {
        if (typeof json?.sid !== 'string' || json.sid === '') {
          // Accepted but unreadable: do not send again blindly; the crash-recovery lookup will find it.
          throw new ProviderError({
            kind: 'transient',
            detail: `Twilio HTTP ${response.statusCode} without a message sid`,
            uncertain: true,
          });
        }
        return json.sid;
      }
      const retryAfter = response.headers['retry-after'];
      throw new ProviderError(
        classifyTwilioResponse(
          response.statusCode,
          json,
          Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        ),
      );
    },

    async findSent(sms, since) {
      // No DateSent filter: a message Twilio accepted but has not sent yet has no date_sent and would be
      // missed, which is exactly the crash window this lookup covers. The list is newest first, so paging
      // stops once it reaches messages created well before our first attempt.
      const horizon = since.getTime() - 24 * 60 * 60 * 1000;
      let next: string | undefined =
        `${base}${messagesPath}?${new URLSearchParams({ To: sms.to, From: sms.from, PageSize: '100' })}`;
      for (let page = 0; next && page < MAX_LOOKUP_PAGES; page++) {
        const response = await call('GET', next);
        const json = (await readJson(response.body)) as
          | { messages?: TwilioMessage[]; next_page_uri?: unknown; code?: unknown; message?: unknown }
          | undefined;
        if (response.statusCode < 200 || response.statusCode >= 300) {
          // Without an answer we cannot rule out a sent message: never fall through to a second send.
          throw new ProviderError({
            kind: 'transient',
            detail: `Twilio message lookup: ${classifyTwilioResponse(response.statusCode, json).detail}`,
          });
        }
        const messages = json?.messages ?? [];
        const match = messages.find(
          (m) => m.to === sms.to && m.from === sms.from && m.body === sms.body && typeof m.sid === 'string',
        );
        if (match) return match.sid as string;
        const oldest = Date.parse(String(messages.at(-1)?.date_created ?? ''));
        if (Number.isFinite(oldest) && oldest < horizon) return undefined;
        next = nextPageUrl(json?.next_page_uri, base);
      }
      return undefined;
    },

    close: () => dispatcher.close(),
  };
}

/**
 * The next page of a message list: Twilio's `next_page_uri` is a path on its own API. Only a relative path
 * resolving to the API's origin is followed (our Basic credentials go with it): anything else (another host,
 * `//host`, `/\\host`, an absolute URL) fails the lookup visibly rather than sending them elsewhere, and
 * rather than ending it early (an unfinished lookup must never lead to a second send).
 */
export function nextPageUrl(uri: unknown, base: string): string | undefined {
  if (uri === null || uri === undefined || uri === '') return undefined;
  const origin = new URL(base).origin;
  const resolved = typeof uri === 'string' && /^\/(?![/\\])/.test(uri) ? new URL(uri, `${base}/`) : undefined;
  if (!resolved || resolved.origin !== origin) {
    throw new ProviderError({
      kind: 'transient',
      detail: 'Twilio message lookup: next_page_uri is not a path on the API origin; not followed',
    });
  }
  return resolved.toString();
}
