import { parseRetryAfter } from '@autoverify/retry';
import { coerceCode, EntrataError, isRetryableEntrataCode, isRetryableHttpStatus } from './errors.ts';
import {
  exhaustedWaitMs,
  type HeaderBag,
  parseRateLimitHeaders,
  readHeader,
  resetWaitMs,
} from './rate-limit-headers.ts';

export interface RawResponse {
  status: number;
  headers: HeaderBag;
  text: string;
}

export type Interpreted =
  | { ok: true; result: unknown; requestId: string | undefined }
  | { ok: false; error: EntrataError };

interface Context {
  service: string;
  method: string;
  now?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * How long the server asked us to wait: Retry-After first, then the rate-limit counters. Entrata sends its
 * counters on every answer, so a reset only counts when a window is exhausted or the answer is a 429.
 */
export function serverWaitMs(
  headers: HeaderBag,
  rateLimited: boolean,
  now: number = Date.now(),
): number | undefined {
  const retryAfter = parseRetryAfter(readHeader(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const windows = parseRateLimitHeaders(headers);
  if (rateLimited) return resetWaitMs(windows);
  const exhausted = exhaustedWaitMs(windows);
  return exhausted > 0 ? exhausted : undefined;
}

/**
 * Entrata often answers HTTP 200 with an error in the body, and sometimes 4xx/5xx with a success-looking
 * body or HTML: the body decides, the status only breaks ties.
 */
export function interpretResponse(res: RawResponse, ctx: Context): Interpreted {
  const base = { service: ctx.service, method: ctx.method, httpStatus: res.status };
  const waitMs = (code: number) => serverWaitMs(res.headers, res.status === 429 || code === 429, ctx.now);
  let body: unknown;
  try {
    body = res.text.trim() === '' ? undefined : JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  const response = isObject(body) ? (isObject(body.response) ? body.response : body) : undefined;

  if (response && isObject(response.error)) {
    const code = coerceCode(response.error.code) ?? res.status;
    const retryable = isRetryableHttpStatus(res.status) || isRetryableEntrataCode(code);
    const message = typeof response.error.message === 'string' ? response.error.message : 'no message';
    return {
      ok: false,
      error: new EntrataError({
        ...base,
        kind: 'api',
        code,
        message,
        retryable,
        retryAfterMs: retryable ? waitMs(code) : undefined,
      }),
    };
  }
  if (res.status < 200 || res.status > 299) {
    const retryable = isRetryableHttpStatus(res.status);
    return {
      ok: false,
      error: new EntrataError({
        ...base,
        kind: 'http',
        code: res.status,
        message: `HTTP ${res.status}${response ? '' : ' without an Entrata body'}`,
        retryable,
        retryAfterMs: retryable ? waitMs(res.status) : undefined,
      }),
    };
  }
  if (!response) {
    return {
      ok: false,
      error: new EntrataError({
        ...base,
        kind: 'invalid_response',
        code: res.status,
        message: 'body is not a JSON object',
        retryable: false,
      }),
    };
  }
  const code = coerceCode(response.code);
  if (code !== undefined && code !== 200) {
    const retryable = isRetryableEntrataCode(code);
    const message = typeof response.message === 'string' ? response.message : `response code ${code}`;
    return {
      ok: false,
      error: new EntrataError({
        ...base,
        kind: 'api',
        code,
        message,
        retryable,
        retryAfterMs: retryable ? waitMs(code) : undefined,
      }),
    };
  }
  if (!('result' in response)) {
    return {
      ok: false,
      error: new EntrataError({
        ...base,
        kind: 'invalid_response',
        code: res.status,
        message: 'response has no result',
        retryable: false,
      }),
    };
  }
  const requestId =
    typeof response.requestId === 'string' || typeof response.requestId === 'number'
      ? String(response.requestId)
      : undefined;
  return { ok: true, result: response.result, requestId };
}
