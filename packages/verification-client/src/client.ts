import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from './backoff.ts';
import { isRetryableStatus, VerificationPlatformError } from './errors.ts';
import { assertCompletePdf } from './pdf.ts';
import type {
  ApplicantContactUpdate,
  ApplicantGroup,
  CreateApplicantGroupRequest,
  NewApplicant,
  PlatformApplicant,
  VerificationClient,
  VerificationClientOptions,
} from './types.ts';
import {
  type AuthToken,
  parseApplicant,
  parseAuth,
  parseGroup,
  parseGroupList,
  parseProblems,
  unwrap,
} from './wire.ts';

const TOKEN_TTL_MS = 30 * 60_000;
// Refresh a minute early so a token never expires between our check and the platform's.
const TOKEN_REFRESH_MARGIN_MS = 60_000;
const AUTH_PATH = '/api/v1/tenants/auth';
const E164 = /^\+[1-9][0-9]{7,14}$/;

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  accept?: string;
  /** Needs the bearer token (everything but the auth call). */
  auth: boolean;
  /**
   * False for calls that create something: after a timeout or 5xx they may have succeeded, so only
   * answers that prove nothing happened (429, connection refused) are retried here; the caller
   * recovers the rest (e.g. by looking the group up by correlation id).
   */
  idempotent: boolean;
  /** Answers that count as success; default any 2xx. */
  expect?: number[];
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function createVerificationClient(options: VerificationClientOptions): VerificationClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new Error(`PLATFORM base URL must be http(s): ${options.baseUrl}`);
  if (!options.clientId || !options.secretKey)
    throw new Error('verification platform client id and secret key are required');
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, { connections: options.connections ?? 10, keepAliveTimeout: 30_000 });
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
      auth: false,
      idempotent: true,
    });
    const parsed = parseAuth(json(answer), Date.now(), TOKEN_TTL_MS);
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
      // A token can be revoked or the platform's clock can differ: get a new one once, then give up.
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
    const path = `${prefix}${c.path}${search}`;
    let answer: Answer;
    try {
      const response = await pool.request({
        method: c.method,
        path,
        headers,
        body: c.body === undefined ? undefined : JSON.stringify(c.body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs * 2),
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      answer = { status: response.statusCode, headers: response.headers, body };
    } catch (error) {
      throw transportError(error, c);
    }
    const ok = c.expect ? c.expect.includes(answer.status) : answer.status >= 200 && answer.status < 300;
    if (!ok) throw statusError(answer, c);
    return answer;
  }

  return {
    async createApplicantGroup(body: CreateApplicantGroupRequest): Promise<ApplicantGroup> {
      validateApplicants(body.applicants);
      // The platform answers 200 (not 201) with the group it created.
      const answer = await call({
        method: 'POST',
        path: '/api/v1/applicant_groups',
        body,
        auth: true,
        idempotent: false,
        expect: [200, 201],
      });
      return parseGroup(json(answer));
    },

    async getApplicantGroup(groupId: string): Promise<ApplicantGroup> {
      const answer = await call({
        method: 'GET',
        path: `/api/v1/applicant_groups/${segment(groupId)}`,
        auth: true,
        idempotent: true,
      });
      return parseGroup(json(answer));
    },

    async findApplicantGroupByCorrelationId(correlationId: string): Promise<ApplicantGroup | undefined> {
      const answer = await call({
        method: 'GET',
        path: '/api/v1/applicant_groups',
        query: { correlation_id: correlationId },
        auth: true,
        idempotent: true,
      });
      // Filter again ourselves: a platform that ignores the query parameter would list every group.
      const groups = parseGroupList(json(answer)).filter((g) => g.correlationId === correlationId);
      if (groups.length > 1)
        logger.warn(
          { correlationId, groupIds: groups.map((g) => g.id) },
          'several applicant groups share one correlation id; using the first',
        );
      return groups[0];
    },

    async addApplicant(groupId: string, applicant: NewApplicant): Promise<PlatformApplicant> {
      validateApplicants([applicant]);
      const answer = await call({
        method: 'POST',
        path: `/api/v1/applicant_groups/${segment(groupId)}/applicants`,
        body: applicant,
        auth: true,
        idempotent: false,
        expect: [200, 201],
      });
      return parseApplicant(unwrap(json(answer), 'applicant'));
    },

    async updateApplicant(
      groupId: string,
      applicantId: string,
      update: ApplicantContactUpdate,
    ): Promise<PlatformApplicant> {
      if (update.email === undefined && update.phone_number === undefined) {
        throw new VerificationPlatformError('applicant update needs an email or a phone number', {
          kind: 'invalid_request',
          retryable: false,
        });
      }
      if (update.phone_number !== undefined) validatePhone(update.phone_number, 'phone_number');
      const answer = await call({
        method: 'PATCH',
        path: `/api/v1/applicant_groups/${segment(groupId)}/applicants/${segment(applicantId)}`,
        body: update,
        auth: true,
        idempotent: true,
      });
      return parseApplicant(unwrap(json(answer), 'applicant'));
    },

    async fetchReport(reportId: string) {
      const answer = await call({
        method: 'GET',
        path: `/api/v1/reports/${segment(reportId)}`,
        accept: 'application/pdf',
        auth: true,
        idempotent: true,
      });
      assertCompletePdf(answer.body, reportId);
      const contentType = header(answer.headers['content-type'])?.split(';')[0]?.trim() || 'application/pdf';
      return { bytes: answer.body, contentType };
    },

    async close() {
      await pool.close();
    },
  };
}

function json(answer: Answer): unknown {
  if (answer.body.length === 0) return undefined;
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new VerificationPlatformError(
      `verification platform answered ${answer.status} with a body that is not JSON`,
      {
        kind: 'invalid_response',
        retryable: true,
        status: answer.status,
      },
    );
  }
}

function statusError(answer: Answer, c: Call): VerificationPlatformError {
  let parsed: ReturnType<typeof parseProblems> = { problems: [] };
  try {
    parsed = parseProblems(JSON.parse(answer.body.toString('utf8')));
  } catch {
    // Not JSON (an HTML error page from a proxy): the status says enough.
  }
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

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

function transportError(error: unknown, c: Call): VerificationPlatformError {
  if (error instanceof VerificationPlatformError) return error;
  const code = errorCode(error);
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

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when the error shows the platform never processed the request. */
function provesNotProcessed(error: VerificationPlatformError): boolean {
  if (error.status === 429) return true;
  return error.kind === 'network' && NOT_SENT_CODES.has(errorCode(error.cause) ?? '');
}

function validateApplicants(applicants: NewApplicant[]): void {
  if (applicants.length === 0) {
    throw new VerificationPlatformError('an applicant group needs at least one applicant', {
      kind: 'invalid_request',
      retryable: false,
    });
  }
  applicants.forEach((a, i) => {
    if (a.phone_number !== undefined) validatePhone(a.phone_number, `applicants[${i}].phone_number`);
    if (a.verifications.length === 0) {
      throw new VerificationPlatformError(`applicants[${i}] needs at least one verification`, {
        kind: 'invalid_request',
        retryable: false,
      });
    }
  });
}

function validatePhone(value: string, field: string): void {
  if (!E164.test(value)) {
    throw new VerificationPlatformError(`${field} must be an E.164 number`, {
      kind: 'invalid_request',
      retryable: false,
      problems: [{ field, message: 'must be an E.164 number' }],
    });
  }
}

const segment = (value: string): string => encodeURIComponent(value);
const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
