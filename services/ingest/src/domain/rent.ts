/**
 * The monthly rent the verification platform requires (`monthly_rent`, integer cents). It comes from Entrata
 * when Entrata gives it, else from the property's `monthlyRentCents` setting; with neither it is unknown, and
 * invite reports that visibly (InviteBlocked rent_unknown) instead of anyone making an amount up.
 */
export type RentSource = 'entrata' | 'property_setting';

export interface MonthlyRent {
  cents: number;
  source: RentSource;
}

const usable = (cents: number | undefined): cents is number =>
  cents !== undefined && Number.isInteger(cents) && cents > 0;

/** Entrata's rent wins over the property's setting; an absent, zero or fractional amount counts as unknown. */
export function resolveMonthlyRent(input: {
  fromEntrata?: number | undefined;
  setting?: number | undefined;
}): MonthlyRent | undefined {
  if (usable(input.fromEntrata)) return { cents: input.fromEntrata, source: 'entrata' };
  if (usable(input.setting)) return { cents: input.setting, source: 'property_setting' };
  return undefined;
}

/**
 * The content hash that decides whether ApplicationSubmitted is published again, with the rent in it: a
 * re-read that finds a rent that was unknown before (or a changed one) publishes again, so the invitations
 * held back for the rent go out. Without a rent the hash is the applicants' hash unchanged.
 */
export const hashWithRent = (applicantsHash: string, rent: MonthlyRent | undefined): string =>
  rent ? `${applicantsHash}:rent=${rent.cents}:${rent.source}` : applicantsHash;
