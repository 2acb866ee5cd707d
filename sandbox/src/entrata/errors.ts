/**
 * Entrata error codes used by the fake. Entrata publishes only families (1xx request, 3xx method/params,
 * 4xx/5xx server); the exact numbers below are our choice, except that 310 is retryable as one public client
 * treats it. HTTP statuses follow Entrata's habit: mostly 200 with the error in the body.
 */
export const ENTRATA_ERRORS = {
  invalidRequest: { code: 100, http: 400, message: 'Invalid request format.' },
  authFailed: { code: 113, http: 401, message: 'Authentication failed.' },
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
