/**
 * The monthly rent the verification platform requires (`monthly_rent`, integer cents). Entrata documents no
 * field that carries an application's rent (getLeads prospects carry only the applicant's desired range; the
 * published getLeases r2 and getLeaseDetails models carry no amount; see packages/entrata-client/README.md),
 * so it comes from the property's `monthlyRentCents` setting. Without one it is unknown, and invite reports
 * that visibly (InviteBlocked rent_unknown) instead of anyone making an amount up. The contract keeps
 * `rentSource: 'entrata'` for the day Entrata documents a rent field.
 */
export type RentSource = 'property_setting';

export interface MonthlyRent {
  cents: number;
  source: RentSource;
}

const usable = (cents: number | undefined): cents is number =>
  cents !== undefined && Number.isInteger(cents) && cents > 0;

/** The property's setting; an absent, zero or fractional amount counts as unknown. */
export function resolveMonthlyRent(setting: number | undefined): MonthlyRent | undefined {
  return usable(setting) ? { cents: setting, source: 'property_setting' } : undefined;
}

/**
 * The content hash that decides whether ApplicationSubmitted is published again, with the rent in it: a
 * re-read that finds a rent that was unknown before (or a changed one) publishes again, so the invitations
 * held back for the rent go out. Without a rent the hash is the applicants' hash unchanged.
 */
export const hashWithRent = (applicantsHash: string, rent: MonthlyRent | undefined): string =>
  rent ? `${applicantsHash}:rent=${rent.cents}:${rent.source}` : applicantsHash;

/** True when the published content (its hash) carried a rent: one published without needs a re-read once a rent is set. */
export const hashHasRent = (contentHash: string | null): boolean => contentHash?.includes(':rent=') ?? false;
