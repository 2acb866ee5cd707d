import { randomUUID } from 'node:crypto';
import type { Logger } from '@autoverify/logger';
import { type Backoff, backoffDelay } from '@autoverify/retry';
import { inSpan, SpanKind } from '@autoverify/telemetry';
import { type Dispatcher, FormData, Pool, request } from 'undici';
import { EntrataError } from './errors.ts';
import { invalidResponse, mayRetry, transportError } from './failures.ts';
import type { RateLimitHeadroom } from './headroom.ts';
import { type HeaderBag, parseRateLimitHeaders } from './rate-limit-headers.ts';
import { type Clock, type EntrataRateLimiter, RateLimiter, systemClock } from './rate-limiter.ts';
import { interpretResponse } from './response.ts';
import type { ShapeProblem } from './tolerant.ts';

export type EntrataAuth =
  | { type: 'apikey'; apiKey: string }
  | { type: 'basic'; username: string; password: string };

/**
 * NOT DOCUMENTED: the names of the multipart parts of leases/sendLeaseDocuments are not in Entrata's public
 * documentation. They live here, and only here, so they are one edit away from correct once confirmed against
 * a real Entrata org. The names are the ones public scripts use (they say they follow the Java code snippet on
 * Entrata's documentation page): the JSON envelope in `requestBody` with `requestContentType` beside it, the
 * files in `file1`, `file2`, ... The sandbox (sandbox/src/entrata/multipart.ts) keeps the same assumption.
 */
export const SEND_LEASE_DOCUMENTS_PARTS = {
  /** The JSON RPC envelope (auth, requestId, method with params), as the body of every other call. */
  request: 'requestBody',
  /** The envelope's content type, sent as a plain field next to it. */
  requestContentType: 'requestContentType',
  /** The n-th file (1-based), in the order of `params.files.file[]`. */
  file: (n: number) => `file${n}`,
} as const;

export interface TransportOptions {
  /** e.g. https://apis.entrata.com/ext/orgs/{org}/v1 ; the service name is appended. */
  baseUrl: string;
  auth: EntrataAuth;
  /** Our tenant (Entrata customer): rate limits are kept per tenant and service. */
  tenantId: string;
  /** Our own ceiling per service, below the customer's contract. */
  requestsPerMinute: number;
  logger: Logger;
  /** An undici dispatcher to share; by default the client owns a connection pool for the base URL's origin. */
  dispatcher?: Dispatcher;
  /** Attempts per call including the first (default 5). */
  maxAttempts?: number;
  /** Full jitter (see @autoverify/retry): Entrata rate-limits, so first retries spread over the window. */
  backoff?: { baseMs: number; maxMs: number };
  /** Longest wait inside one call for the rate limit or a Retry-After; beyond it the call fails retryably. */
  maxWaitMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /**
   * Largest answer read, in bytes; default 5 MiB (a page of leads is well under 1 MiB). A larger one fails
   * with kind `response_too_large`. Enforced by the client's own pool: an injected dispatcher sets its own.
   */
  maxResponseBytes?: number;
  /** Share one limiter between clients of the same tenant (in one process, or across replicas: sharedRateLimits). */
  rateLimiter?: EntrataRateLimiter;
  /** Where Entrata's rate-limit counters go for the headroom gauges (headroom.ts). */
  headroom?: RateLimitHeadroom;
  clock?: Clock;
  random?: () => number;
}

/** Longest wait for the rate limit or a Retry-After inside one call, unless maxWaitMs says otherwise. */
export const DEFAULT_MAX_WAIT_MS = 60_000;

export interface UploadFile {
  fileName: string;
  bytes: Buffer;
  contentType: 'application/pdf';
}

export interface CallSpec {
  service: string;
  method: string;
  version: string;
  params: Record<string, unknown>;
  /** Re-sending is harmless (reads). */
  idempotent: boolean;
  /** URL query parameters (Entrata pages with `page_no` and `per_page` there, not in the envelope). */
  query?: Record<string, string>;
  /** Files of a multipart upload; the envelope then goes in its own part. */
  files?: UploadFile[];
}

export interface Transport {
  /** One logical call with retries; resolves with the envelope's `result`. */
  call(spec: CallSpec): Promise<unknown>;
  /** A call whose result is parsed; a shape problem becomes a non-retryable invalid_response error. */
  parsed<T>(spec: CallSpec, parse: (result: unknown) => T | { problems: ShapeProblem[] }): Promise<T>;
  close(): Promise<void>;
}

function shapeError(spec: CallSpec, problems: ShapeProblem[]): EntrataError {
  const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return invalidResponse(spec, `unexpected result shape: ${list}`);
}

/** The HTTP side of every Entrata call: envelope, auth, rate limits, retries with backoff, error bodies. */
export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const headersTimeout = options.headersTimeoutMs ?? 15_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 30_000;
  const ownsDispatcher = !options.dispatcher;
  const maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
  const dispatcher =
    options.dispatcher ??
    new Pool(base.origin, {
      connections: 8,
      headersTimeout,
      bodyTimeout,
      keepAliveTimeout: 10_000,
      // undici enforces it while streaming (and on Content-Length): an oversized body is never buffered.
      maxResponseSize: maxResponseBytes,
    });
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const { baseMs, maxMs } = options.backoff ?? { baseMs: 250, maxMs: 20_000 };
  const backoff: Backoff = { initialMs: baseMs, maxMs, jitter: 'full' };
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const limiter =
    options.rateLimiter ??
    new RateLimiter({ requestsPerMinute: options.requestsPerMinute, maxWaitMs, clock });
  const logger = options.logger.child({ component: 'entrata-client', tenantId: options.tenantId });
  const authHeaders: Record<string, string> =
    options.auth.type === 'apikey'
      ? { 'x-api-key': options.auth.apiKey }
      : {
          authorization: `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`,
        };

  function body(
    spec: CallSpec,
    requestId: string,
  ): { body: string | FormData; headers: Record<string, string> } {
    const envelope = JSON.stringify({
      auth: { type: options.auth.type },
      requestId,
      method: { name: spec.method, version: spec.version, params: spec.params },
    });
    if (!spec.files)
      return { body: envelope, headers: { 'content-type': 'application/json; charset=utf-8' } };
    const form = new FormData();
    form.append(SEND_LEASE_DOCUMENTS_PARTS.request, envelope);
    form.append(SEND_LEASE_DOCUMENTS_PARTS.requestContentType, 'APPLICATION/JSON; CHARSET=UTF-8');
    spec.files.forEach((file, i) => {
      form.append(
        SEND_LEASE_DOCUMENTS_PARTS.file(i + 1),
        new Blob([new Uint8Array(file.bytes)], { type: file.contentType }),
        file.fileName,
      );
    });
    // undici sets the multipart content type with its boundary.
    return { body: form, headers: {} };
  }

  function urlOf(spec: CallSpec): URL {
    const url = new URL(spec.service, base);
    for (const [key, value] of Object.entries(spec.query ?? {})) url.searchParams.set(key, value);
    return url;
  }

  async function attempt(spec: CallSpec): Promise<unknown> {
    const key = `${options.tenantId}:${spec.service}`;
    await limiter.acquire(key);
    const requestId = randomUUID();
    const started = clock.now();
    const { body: payload, headers } = body(spec, requestId);
    let status: number;
    let responseHeaders: HeaderBag;
    let text: string;
    try {
      const res = await request(urlOf(spec), {
        dispatcher,
        method: 'POST',
        headers: { accept: 'application/json', ...authHeaders, ...headers },
        body: payload,
        headersTimeout,
        bodyTimeout,
      });
      status = res.statusCode;
      responseHeaders = res.headers as HeaderBag;
      text = await res.body.text();
    } catch (error) {
      throw transportError(error, spec);
    }
    const windows = parseRateLimitHeaders(responseHeaders);
    limiter.observe(key, windows);
    options.headroom?.record(options.tenantId, spec.service, windows);
    const outcome = interpretResponse(
      { status, headers: responseHeaders, text },
      { service: spec.service, method: spec.method, now: clock.now() },
    );
    logger.debug(
      {
        entrataService: spec.service,
        entrataMethod: spec.method,
        requestId,
        status,
        ok: outcome.ok,
        ms: clock.now() - started,
      },
      'entrata call',
    );
    if (!outcome.ok) {
      if (outcome.error.code === 429 && outcome.error.retryAfterMs)
        limiter.block(key, outcome.error.retryAfterMs);
      throw outcome.error;
    }
    return outcome.result;
  }

  // One span per logical call (retries inside it): the http spans below cannot tell Entrata's methods apart,
  // all of them POST to the service's URL. Internal: those http spans are the client spans of the call.
  const call = (spec: CallSpec): Promise<unknown> =>
    inSpan(
      `entrata ${spec.service}/${spec.method}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'entrata.service': spec.service,
          'entrata.method': spec.method,
          'tenant.id': options.tenantId,
        },
      },
      () => withRetries(spec),
    );

  async function withRetries(spec: CallSpec): Promise<unknown> {
    for (let n = 1; ; n++) {
      try {
        return await attempt(spec);
      } catch (caught) {
        const error = caught instanceof EntrataError ? caught : transportError(caught, spec);
        error.attempts = n;
        if (n >= maxAttempts || !mayRetry(error, spec)) throw error;
        const delay = Math.max(backoffDelay(n, backoff, random), error.retryAfterMs ?? 0);
        // A server asking for a long pause is better served by the job queue than by a blocked worker.
        if (delay > maxWaitMs) throw error;
        logger.warn(
          {
            entrataService: spec.service,
            entrataMethod: spec.method,
            attempt: n,
            code: error.code,
            kind: error.kind,
            delayMs: delay,
          },
          'entrata call failed; retrying',
        );
        await clock.sleep(delay);
      }
    }
  }

  return {
    call,
    async parsed(spec, parse) {
      const out = parse(await call(spec));
      if (typeof out === 'object' && out !== null && 'problems' in out)
        throw shapeError(spec, (out as { problems: ShapeProblem[] }).problems);
      return out as Exclude<typeof out, { problems: ShapeProblem[] }>;
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
