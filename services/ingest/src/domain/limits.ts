import { ApplicationSubmittedV3, type PayloadOf } from '@autoverify/contracts';
import { Compile } from 'typebox/compile';

const check = Compile(ApplicationSubmittedV3.payload);
/** The schema keywords that are size limits; any other failure is a bug of ours, not the application's size. */
const LIMITS = new Set(['maxItems', 'maxLength']);

/**
 * Why an application read from Entrata is too large to publish as ApplicationSubmitted v3 (too many people,
 * text longer than the contract allows): field paths and the limit, never the values (they are personal data).
 * Empty when it fits.
 */
export function sizeProblems(payload: PayloadOf<typeof ApplicationSubmittedV3>): string[] {
  if (check.Check(payload)) return [];
  return [...check.Errors(payload)]
    .filter((e) => LIMITS.has(e.keyword))
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`);
}
