import { randomUUID } from 'node:crypto';
import type { Logger } from '@autoverify/logger';
import { type Dispatcher, FormData, Pool, request } from 'undici';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { EntrataError } from './errors.ts';
import { type EntrataProspect, parseLeadsResult } from './leads.ts';
import {
  type EntrataLease,
  type EntrataLeaseDocument,
  type EntrataUploadedFile,
  parseLeaseDocumentsResult,
  parseLeasesResult,
  parseSendLeaseDocumentsResult,
} from './leases.ts';
import { type HeaderBag, parseRateLimitHeaders } from './rate-limit-headers.ts';
import { type Clock, RateLimiter, systemClock } from './rate-limiter.ts';
import { interpretResponse } from './response.ts';
import { formatEntrataDate, type ShapeProblem, toRequestId } from './tolerant.ts';

export type EntrataAuth =
  | { type: 'apikey'; apiKey: string }
  | { type: 'basic'; username: string; password: string };

/**
 * The names of the multipart parts of leases/sendLeaseDocuments are NOT publicly documented. They live here,
 * and only here, so they are one edit away from correct once confirmed against a real Entrata org.
 * The sandbox (sandbox/src/entrata) accepts the same names.
 */
export const SEND_LEASE_DOCUMENTS_PARTS = {
  /** The JSON RPC envelope (auth, requestId, method with params), as the body of every other call. */
  request: 'request',
  /** The PDF itself. */
  file: 'file',
} as const;

export interface EntrataClientOptions {
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
  backoff?: BackoffOptions;
  /** Longest wait inside one call for the rate limit or a Retry-After; beyond it the call fails retryably. */
  maxWaitMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Share one limiter between clients of the same tenant (e.g. several workers in one process). */
  rateLimiter?: RateLimiter;
  clock?: Clock;
  random?: () => number;
}

export interface GetLeadsParams {
  propertyId: string | number;
  leadId?: string | number;
  applicationId?: string | number;
  /** Date or YYYY-MM-DD or MM/DD/YYYY; sent as MM/DD/YYYY (Mountain Time). */
  createdOnDateFrom?: Date | string;
  createdOnDateTo?: Date | string;
}

export interface SendLeaseDocumentsParams {
  propertyId: string | number;
  applicationId: string | number;
  customerIds: string[];
  file: { fileName: string; fileTypeId: string; bytes: Buffer; contentType: 'application/pdf' };
  isShowInResidentPortal: false;
}

export interface EntrataClient {
  getLeads(params: GetLeadsParams): Promise<EntrataProspect[]>;
  getLeases(params: { propertyId: string | number; applicationId: string | number }): Promise<EntrataLease[]>;
  getLeaseDocumentsList(params: {
    propertyId: string | number;
    applicationId: string | number;
  }): Promise<EntrataLeaseDocument[]>;
  /** Not idempotent: only failures that prove nothing was stored (connection refused, rate limited) are retried here. */
  sendLeaseDocuments(params: SendLeaseDocumentsParams): Promise<EntrataUploadedFile[]>;
  close(): Promise<void>;
}

interface CallSpec {
  service: string;
  method: string;
  version: string;
  params: Record<string, unknown>;
  /** Re-sending is harmless (reads). */
  idempotent: boolean;
  /** Extra multipart parts; the envelope then goes in the `request` part. */
  file?: SendLeaseDocumentsParams['file'];
}

// undici error codes meaning the request never reached Entrata, so even an upload may be retried.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

function transportError(error: unknown, spec: CallSpec): EntrataError {
  const code = (error as { code?: string }).code ?? '';
  const timeout = TIMEOUT_CODES.has(code);
  return new EntrataError({
    kind: timeout ? 'timeout' : 'network',
    code: 0,
    message: `${code || 'request failed'}: ${(error as Error).message}`,
    retryable: true,
    service: spec.service,
    method: spec.method,
    cause: error,
  });
}

/** Whether a failed attempt may be repeated for this call. */
function mayRetry(error: EntrataError, spec: CallSpec): boolean {
  if (!error.retryable) return false;
  if (spec.idempotent) return true;
  const cause = (error.cause as { code?: string } | undefined)?.code ?? '';
  return error.kind === 'rate_limited' || error.code === 429 || NOT_SENT_CODES.has(cause);
}

function invalid(spec: CallSpec, problems: ShapeProblem[]): EntrataError {
  const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new EntrataError({
    kind: 'invalid_response',
    code: 0,
    message: `unexpected result shape: ${list}`,
    retryable: false,
    service: spec.service,
    method: spec.method,
  });
}

export function createEntrataClient(options: EntrataClientOptions): EntrataClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const headersTimeout = options.headersTimeoutMs ?? 15_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 30_000;
  const ownsDispatcher = !options.dispatcher;
  const dispatcher =
    options.dispatcher ??
    new Pool(base.origin, { connections: 8, headersTimeout, bodyTimeout, keepAliveTimeout: 10_000 });
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const backoff = options.backoff ?? { baseMs: 250, maxMs: 20_000 };
  const maxWaitMs = options.maxWaitMs ?? 60_000;
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
    if (!spec.file) return { body: envelope, headers: { 'content-type': 'application/json; charset=utf-8' } };
    const form = new FormData();
    form.append(SEND_LEASE_DOCUMENTS_PARTS.request, envelope);
    form.append(
      SEND_LEASE_DOCUMENTS_PARTS.file,
      new Blob([new Uint8Array(spec.file.bytes)], { type: spec.file.contentType }),
      spec.file.fileName,
    );
    // undici sets the multipart content type with its boundary.
    return { body: form, headers: {} };
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
      const res = await request(new URL(spec.service, base), {
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
    limiter.observe(key, parseRateLimitHeaders(responseHeaders));
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

  async function call(spec: CallSpec): Promise<unknown> {
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

  function parsed<T>(spec: CallSpec, parse: (r: unknown) => T | { problems: ShapeProblem[] }): Promise<T> {
    return call(spec).then((result) => {
      const out = parse(result);
      if (typeof out === 'object' && out !== null && 'problems' in out) throw invalid(spec, out.problems);
      return out as T;
    });
  }

  return {
    async getLeads(params) {
      const request: Record<string, unknown> = { propertyId: toRequestId(params.propertyId) };
      if (params.leadId !== undefined) request.leadId = toRequestId(params.leadId);
      if (params.applicationId !== undefined) request.applicationId = toRequestId(params.applicationId);
      if (params.createdOnDateFrom !== undefined)
        request.createdOnDateFrom = formatEntrataDate(params.createdOnDateFrom);
      if (params.createdOnDateTo !== undefined)
        request.createdOnDateTo = formatEntrataDate(params.createdOnDateTo);
      const spec: CallSpec = {
        service: 'leads',
        method: 'getLeads',
        version: 'r1',
        params: request,
        idempotent: true,
      };
      const { prospects } = await parsed(spec, parseLeadsResult);
      // Filter again on our side: an id filter Entrata ignores must not hand us someone else's application.
      const applicationId = params.applicationId === undefined ? undefined : String(params.applicationId);
      const leadId = params.leadId === undefined ? undefined : String(params.leadId);
      return prospects.filter(
        (p) =>
          (applicationId === undefined || p.applicationId === applicationId) &&
          (leadId === undefined || p.leadId === leadId),
      );
    },

    async getLeases(params) {
      const spec: CallSpec = {
        service: 'leases',
        method: 'getLeases',
        version: 'r2',
        params: {
          propertyId: toRequestId(params.propertyId),
          applicationId: toRequestId(params.applicationId),
        },
        idempotent: true,
      };
      const { leases } = await parsed(spec, parseLeasesResult);
      const applicationId = String(params.applicationId);
      return leases.filter((l) => l.applicationId === undefined || l.applicationId === applicationId);
    },

    async getLeaseDocumentsList(params) {
      const spec: CallSpec = {
        service: 'leases',
        method: 'getLeaseDocumentsList',
        version: 'r1',
        params: {
          propertyId: toRequestId(params.propertyId),
          applicationId: toRequestId(params.applicationId),
        },
        idempotent: true,
      };
      return (await parsed(spec, parseLeaseDocumentsResult)).documents;
    },

    async sendLeaseDocuments(params) {
      if (params.customerIds.length === 0)
        throw new TypeError('sendLeaseDocuments needs at least one customer id');
      if (params.file.bytes.length === 0) throw new TypeError('sendLeaseDocuments: the file is empty');
      const spec: CallSpec = {
        service: 'leases',
        method: 'sendLeaseDocuments',
        version: 'r1',
        params: {
          propertyId: toRequestId(params.propertyId),
          applicationId: toRequestId(params.applicationId),
          files: {
            file: [
              {
                fileName: params.file.fileName,
                fileTypeId: toRequestId(params.file.fileTypeId),
                isShowInResidentPortal: params.isShowInResidentPortal ? 1 : 0,
                customerIds: params.customerIds.join(','),
              },
            ],
          },
        },
        idempotent: false,
        file: params.file,
      };
      return (await parsed(spec, parseSendLeaseDocumentsResult)).files;
    },

    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
