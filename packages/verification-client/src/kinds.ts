import type { PlatformVerificationType, VerificationKind } from './types.ts';

/** The documented request value for one of our kinds: `<kind>_verification`. */
export const platformVerificationType = (kind: VerificationKind): PlatformVerificationType =>
  `${kind}_verification`;

const KINDS: readonly VerificationKind[] = ['income', 'identity', 'asset'];

/**
 * Our kind from a type the platform echoes: the documented `<kind>_verification`, or the bare `<kind>` that
 * REPORT_READY's `report_type` uses. Anything else is not ours to guess: undefined.
 */
export function kindOfPlatformType(type: string): VerificationKind | undefined {
  const bare = type.endsWith('_verification') ? type.slice(0, -'_verification'.length) : type;
  return (KINDS as readonly string[]).includes(bare) ? (bare as VerificationKind) : undefined;
}

/**
 * Documented rule of REPORT_READY: identity reports are individual (they carry `applicant_id`); income and
 * asset reports are household reports for the whole group (they may omit `applicant_id`, and the
 * documentation's own example repeats the group id there).
 */
export const isHouseholdReport = (reportType: VerificationKind): boolean => reportType !== 'identity';
