/**
 * Why a call failed, so callers can decide between "retry later" and "record and stop":
 * - api: Entrata answered with an error object in the body (often with HTTP 200);
 * - http: a non-2xx status without a readable Entrata error;
 * - timeout / network: no (complete) answer;
 * - rate_limited: our own limiter or Entrata's counters say we must wait longer than we are willing to block;
 * - invalid_response: the body is not what we rely on (missing required fields, not JSON);
 * - response_too_large: the body exceeded the client's size cap (it would again: not retryable).
 */
export type EntrataErrorKind =
  | 'api'
  | 'http'
  | 'timeout'
  | 'network'
  | 'rate_limited'
  | 'invalid_response'
  | 'response_too_large';

export interface EntrataErrorInit {
  kind: EntrataErrorKind;
  code: number;
  message: string;
  httpStatus?: number | undefined;
  retryable: boolean;
  /** Set when the server (or our limiter) told us how long to wait. */
  retryAfterMs?: number | undefined;
  service?: string | undefined;
  method?: string | undefined;
  attempts?: number | undefined;
  cause?: unknown;
}

export class EntrataError extends Error {
  override readonly name = 'EntrataError';
  readonly kind: EntrataErrorKind;
  /** Entrata's error code (coerced to a number), else the HTTP status, else 0. */
  readonly code: number;
  readonly httpStatus: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly service: string | undefined;
  readonly method: string | undefined;
  attempts: number;

  constructor(init: EntrataErrorInit) {
    const where = init.service && init.method ? `${init.service}/${init.method}: ` : '';
    super(`${where}Entrata ${init.kind} error ${init.code}: ${init.message}`, { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.service = init.service;
    this.method = init.method;
    this.attempts = init.attempts ?? 1;
  }
}

export const isEntrataError = (error: unknown): error is EntrataError => error instanceof EntrataError;

/**
 * Entrata error codes come in families (1xx/3xx/4xx/5xx). 310 is retried by a public client; the 5xx
 * family is server trouble; 429 is a rate limit. Everything else (auth, invalid method or params,
 * not found) will fail the same way again, so retrying only burns the rate limit.
 */
export function isRetryableEntrataCode(code: number): boolean {
  return code === 310 || code === 429 || (code >= 500 && code <= 599);
}

export function isRetryableHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Coerces Entrata's `code` (string or integer on the wire) to a number; NaN-safe. */
export function coerceCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}
