/** Small helpers shared by the documented (wire.ts) and the assumed (assumptions.ts) parsers. */
import { VerificationPlatformError } from './errors.ts';
import type { GroupStatus } from './types.ts';

export type { GroupStatus };
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const GROUP_STATUSES: readonly GroupStatus[] = ['not_started', 'in_progress', 'completed', 'pending'];

/** Documented: "pending" in the create example, not_started | in_progress | completed in the schema. */
export function parseStatus(value: unknown): GroupStatus | 'unknown' {
  return typeof value === 'string' && (GROUP_STATUSES as readonly string[]).includes(value)
    ? (value as GroupStatus)
    : 'unknown';
}

/**
 * The platform answered 2xx with something unusable. Retryable, so a job tries again a few times (a
 * half-written answer happens); creating calls are never simply repeated (see client.ts).
 */
export function invalid(message: string): VerificationPlatformError {
  return new VerificationPlatformError(`unexpected response from the verification platform: ${message}`, {
    kind: 'invalid_response',
    retryable: true,
  });
}
