// How a failed attempt of an Entrata call is classified, and whether it may be repeated.
import { NOT_SENT_CODES, TIMEOUT_CODES } from '@autoverify/retry';
import { EntrataError } from './errors.ts';
import type { CallSpec } from './transport.ts';

export function transportError(error: unknown, spec: CallSpec): EntrataError {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
    return new EntrataError({
      kind: 'response_too_large',
      code: 0,
      message: 'the answer exceeded the response size cap (maxResponseBytes)',
      retryable: false,
      service: spec.service,
      method: spec.method,
      cause: error,
    });
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
export function mayRetry(error: EntrataError, spec: CallSpec): boolean {
  if (!error.retryable) return false;
  if (spec.idempotent) return true;
  const cause = (error.cause as { code?: string } | undefined)?.code ?? '';
  return error.kind === 'rate_limited' || error.code === 429 || NOT_SENT_CODES.has(cause);
}

export function invalidResponse(spec: Pick<CallSpec, 'service' | 'method'>, message: string): EntrataError {
  return new EntrataError({
    kind: 'invalid_response',
    code: 0,
    message,
    retryable: false,
    service: spec.service,
    method: spec.method,
  });
}
