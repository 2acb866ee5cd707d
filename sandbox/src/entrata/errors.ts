/**
 * Entrata's error body is `{"response":{"error":{"code":<int>,"message":".."}}}`, "often with HTTP 200 or 400,
 * so read the body, not only the status"; codes come in families 1xx/3xx/4xx/5xx and one public client retries
 * 310 (domain.md). NOT DOCUMENTED: the exact numbers and which HTTP status goes with which error. Assumed here:
 * 400 for a request that is not an RPC envelope at all, 200 for everything Entrata could read (authentication
 * included), 429 for the rate limit and 500 for a crash.
 */
export const ENTRATA_ERRORS = {
  invalidRequest: { code: 100, http: 400, message: 'Invalid request format.' },
  authFailed: { code: 113, http: 200, message: 'Authentication failed.' },
  unknownService: { code: 301, http: 200, message: 'Invalid web service.' },
  unknownMethod: { code: 302, http: 200, message: 'Invalid method.' },
  unsupportedVersion: { code: 303, http: 200, message: 'Method version is not supported.' },
  invalidParams: { code: 304, http: 200, message: 'Invalid parameters.' },
  notFound: { code: 305, http: 200, message: 'No records found.' },
  /** Retry later; what the fault injector uses by default for "error with HTTP 200". */
  temporarilyUnavailable: {
    code: 310,
    http: 200,
    message: 'Service temporarily unavailable. Please try again.',
  },
  fileRejected: { code: 320, http: 200, message: 'File upload failed.' },
  rateLimited: { code: 429, http: 429, message: 'API rate limit exceeded.' },
  internal: { code: 500, http: 500, message: 'Internal server error.' },
} as const;

export type EntrataErrorKind = keyof typeof ENTRATA_ERRORS;

/** Thrown by method handlers; the route turns it into an error envelope. */
export class EntrataError extends Error {
  readonly kind: EntrataErrorKind;
  constructor(kind: EntrataErrorKind, detail?: string) {
    super(detail ? `${ENTRATA_ERRORS[kind].message} ${detail}` : ENTRATA_ERRORS[kind].message);
    this.kind = kind;
  }
}
