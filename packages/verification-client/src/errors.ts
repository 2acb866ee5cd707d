/**
 * Every failure of the verification platform client is a VerificationPlatformError. Callers decide
 * between "try again later" and "record and stop" from `retryable` alone, never from messages.
 */
export type PlatformErrorKind =
  | 'http' // the platform answered with an error status
  | 'timeout' // no answer in time; the request may or may not have been processed
  | 'network' // connection refused/reset
  | 'invalid_request' // we refused to send a request the platform would reject
  | 'invalid_response' // the platform answered 2xx with something we cannot use
  | 'response_too_large' // the answer exceeded the configured size cap; it would again, so not retryable
  | 'invalid_report'; // a report body is not a complete PDF

export interface PlatformErrorOptions {
  kind: PlatformErrorKind;
  retryable: boolean;
  status?: number;
  /** From Retry-After on 429/503, in milliseconds. */
  retryAfterMs?: number;
  /** Problems the platform listed (field -> message), when it said which field was wrong. */
  problems?: PlatformProblem[];
  method?: string;
  path?: string;
  cause?: unknown;
}

export interface PlatformProblem {
  field?: string;
  message: string;
}

export class VerificationPlatformError extends Error {
  override readonly name: string = 'VerificationPlatformError';
  readonly kind: PlatformErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly problems: PlatformProblem[];
  readonly method: string | undefined;
  readonly path: string | undefined;

  constructor(message: string, options: PlatformErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind;
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.problems = options.problems ?? [];
    this.method = options.method;
    this.path = options.path;
  }
}

/** A report that is not a complete PDF (truncated download, HTML error page, JSON). */
export class InvalidReportError extends VerificationPlatformError {
  override readonly name = 'InvalidReportError';
  constructor(message: string, reportId: string) {
    // A truncated body is usually a transport problem: fetching again may well succeed.
    super(`report ${reportId}: ${message}`, { kind: 'invalid_report', retryable: true });
  }
}

export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

export function isVerificationPlatformError(error: unknown): error is VerificationPlatformError {
  return error instanceof VerificationPlatformError;
}
