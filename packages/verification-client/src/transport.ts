import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, errorCode, NOT_SENT_CODES, parseRetryAfter, TIMEOUT_CODES } from '@autoverify/retry';
import { Agent, Pool } from 'undici';
import { isRetryableStatus, VerificationPlatformError } from './errors.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import type { VerificationClientOptions } from './types.ts';
import { type AuthToken, parseAuth, parseProblems } from './wire.ts';

// Documented: the token expires after 30 minutes.
const TOKEN_TTL_MS = 30 * 60_000;
// Refresh a minute early so a token never expires between our check and the platform's.
const TOKEN_REFRESH_MARGIN_MS = 60_000;
export const AUTH_PATH = '/api/v1/tenants/auth';
const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_REPORT_BYTES = 50 * 1024 * 1024;

const urlPath = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** A path under the base URL, or `url` for an absolute URL (a report's pre-signed PDF link). */
  path: string;
  url?: string;
  query?: Record<string, string>;
  body?: unknown;
  accept?: string;
  /** Needs the bearer token (everything but the auth call and pre-signed URLs). */
  auth: boolean;
  /**
   * False for calls that create something: after a time-out or 5xx they may have succeeded, so only
   * answers that prove nothing happened (429, connection refused) are retried here; the caller recovers the
   * rest (by the documented correlation-id lookup), never by simply sending the create again.
   */
  idempotent: boolean;
  /** Answers that count as success; default any 2xx. */
  expect?: number[];
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Transport {
  /** One logical call: bearer token, in-process retries of transient failures, one token refresh on 401. */
  call(c: Call): Promise<Answer>;
  close(): Promise<void>;
}

export function createTransport(options: VerificationClientOptions): Transport {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new Error(`PLATFORM base URL must be http(s): ${options.baseUrl}`);
  if (!options.clientId || !options.secretKey)
    throw new Error('verification platform client id and secret key are required');
  const prefix = base.pathname.replace(/\/+$/, '');
  // undici enforces the caps while streaming (and on Content-Length), so an oversized body is never buffered.
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxReportBytes = options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES;
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 10,
    keepAliveTimeout: 30_000,
    maxResponseSize: maxResponseBytes,
  });
  // Pre-signed report links point elsewhere (object storage): their own agent, with the larger cap.
  const downloads = new Agent({ keepAliveTimeout: 30_000, maxResponseSize: maxReportBytes });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retry: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const logger = options.logger.child({ component: 'verification-client' });

  let token: AuthToken | undefined;
  let pendingToken: Promise<AuthToken> | undefined;

  async function authenticate(): Promise<AuthToken> {
    const answer = await send({
      method: 'POST',
      path: AUTH_PATH,
      body: { client_id: options.clientId, secret_key: options.secretKey },
      accept: '*/*',
      auth: false,
      idempotent: true,
    });
    const parsed = parseAuth(answer.headers.authorization, jsonOrUndefined(answer), Date.now(), TOKEN_TTL_MS);
    logger.debug(
      { expiresAt: new Date(parsed.expiresAt).toISOString() },
      'verification platform token obtained',
    );
    return parsed;
  }

  /** One token for all callers; concurrent callers share a single auth request. */
  async function bearer(): Promise<string> {
    if (token && token.expiresAt - TOKEN_REFRESH_MARGIN_MS > Date.now()) return token.token;
    pendingToken ??= authenticate().finally(() => {
      pendingToken = undefined;
    });
    token = await pendingToken;
    return token.token;
  }

  async function call(c: Call): Promise<Answer> {
    try {
      return await send(c);
    } catch (error) {
      // Documented: 401 for a bad token. It can be revoked or the clocks differ: get a new one once.
      if (
        c.auth &&
        error instanceof VerificationPlatformError &&
        error.status === 401 &&
        error.path !== AUTH_PATH
      ) {
        logger.info({ path: c.path }, 'verification platform answered 401; refreshing the token once');
        token = undefined;
        return send(c);
      }
      throw error;
    }
  }

  /** One logical request with in-process retries for transient failures. */
  async function send(c: Call): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptOnce(c);
      } catch (error) {
        if (!(error instanceof VerificationPlatformError) || !error.retryable || attempt >= retry.attempts)
          throw error;
        if (!c.idempotent && !provesNotProcessed(error)) throw error;
        if (error.retryAfterMs !== undefined && error.retryAfterMs > retry.maxRetryAfterMs) throw error;
        const delay = Math.max(error.retryAfterMs ?? 0, backoffDelay(attempt, retry));
        logger.warn(
          { path: c.path, status: error.status, kind: error.kind, attempt, delayMs: delay },
          'verification platform call failed; retrying',
        );
        await sleep(delay);
      }
    }
  }

  async function attemptOnce(c: Call): Promise<Answer> {
    const headers: Record<string, string> = { accept: c.accept ?? 'application/json' };
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    if (c.auth) headers.authorization = `Bearer ${await bearer()}`;
    const search = c.query ? `?${new URLSearchParams(c.query).toString()}` : '';
    const options = {
      method: c.method,
      headers,
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs * 2),
    };
    let answer: Answer;
    try {
      const response = c.url
        ? await downloads.request({ ...options, origin: new URL(c.url).origin, path: urlPath(c.url) })
        : await pool.request({ ...options, path: `${prefix}${c.path}${search}` });
      const body = Buffer.from(await response.body.arrayBuffer());
      answer = { status: response.statusCode, headers: response.headers, body };
    } catch (error) {
      throw transportError(error, c, c.url ? maxReportBytes : maxResponseBytes);
    }
    const ok = c.expect ? c.expect.includes(answer.status) : answer.status >= 200 && answer.status < 300;
    if (!ok) throw statusError(answer, c);
    return answer;
  }

  return { call, close: async () => void (await Promise.all([pool.close(), downloads.close()])) };
}

function jsonOrUndefined(answer: Answer): unknown {
  try {
    return answer.body.length === 0 ? undefined : JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The JSON of a 2xx answer; a body that is not JSON is an invalid (retryable) response. */
export function json(answer: Answer): unknown {
  if (answer.body.length === 0) return undefined;
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new VerificationPlatformError(
      `verification platform answered ${answer.status} with a body that is not JSON`,
      { kind: 'invalid_response', retryable: true, status: answer.status },
    );
  }
}

function statusError(answer: Answer, c: Call): VerificationPlatformError {
  const parsed = parseProblems(jsonOrUndefined(answer));
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
  const summary = [
    parsed.message,
    ...parsed.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)),
  ]
    .filter(Boolean)
    .join('; ');
  return new VerificationPlatformError(
    `verification platform ${c.method} ${c.path} answered ${answer.status}${summary ? `: ${summary}` : ''}`,
    {
      kind: 'http',
      status: answer.status,
      retryable: isRetryableStatus(answer.status),
      retryAfterMs,
      problems: parsed.problems,
      method: c.method,
      path: c.path,
    },
  );
}

function transportError(error: unknown, c: Call, maxBytes: number): VerificationPlatformError {
  if (error instanceof VerificationPlatformError) return error;
  const code = errorCode(error);
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
    return new VerificationPlatformError(
      `verification platform ${c.method} ${c.path} answered with more than ${maxBytes} bytes`,
      { kind: 'response_too_large', retryable: false, method: c.method, path: c.path, cause: error },
    );
  const name = error instanceof Error ? error.name : '';
  const timeout = TIMEOUT_CODES.has(code ?? '') || name === 'TimeoutError' || name === 'AbortError';
  const message = error instanceof Error ? error.message : String(error);
  return new VerificationPlatformError(
    `verification platform ${c.method} ${c.path} ${timeout ? 'timed out' : 'failed'}: ${message}`,
    {
      kind: timeout ? 'timeout' : 'network',
      retryable: true,
      method: c.method,
      path: c.path,
      cause: error,
    },
  );
}

/** True when the error shows the platform never processed the request. */
function provesNotProcessed(error: VerificationPlatformError): boolean {
  if (error.status === 429) return true;
  return error.kind === 'network' && NOT_SENT_CODES.has(errorCode(error.cause) ?? '');
}
