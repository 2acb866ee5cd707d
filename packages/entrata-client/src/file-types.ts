import type { EntrataFileTypeRef } from '@autoverify/contracts';
import type { EntrataFileType } from './pick-list.ts';

export type FileTypeResolution = { ok: true; fileType: EntrataFileType } | { ok: false; problem: string };

/** How a configured file type reads in a message: `id 7001`, `systemCode "POI"`, `name "Proof of Income"`. */
export function describeFileTypeRef(ref: EntrataFileTypeRef): string {
  if (typeof ref === 'string') return `id ${ref}`;
  return 'systemCode' in ref ? `systemCode "${ref.systemCode}"` : `name "${ref.name}"`;
}

function listed(types: readonly EntrataFileType[]): string {
  if (types.length === 0) return 'getLeasePickList lists no file types';
  const shown = types
    .slice(0, 12)
    .map((t) => `${t.id} "${t.name}"${t.systemCode ? ` (${t.systemCode})` : ''}`)
    .join(', ');
  return `the customer's file types: ${shown}${types.length > 12 ? `, ... (${types.length} in all)` : ''}`;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * A configured file type (an id, or a systemCode, or a name) found in the customer's getLeasePickList. Names
 * and codes compare without case; a name two types share is refused (configure the id instead), so a report
 * never lands under a type nobody chose.
 */
export function resolveFileType(
  types: readonly EntrataFileType[],
  ref: EntrataFileTypeRef,
): FileTypeResolution {
  const matches =
    typeof ref === 'string'
      ? types.filter((t) => t.id === ref.trim())
      : 'systemCode' in ref
        ? types.filter((t) => t.systemCode !== undefined && same(t.systemCode, ref.systemCode))
        : types.filter((t) => same(t.name, ref.name));
  const [first] = matches;
  if (first && matches.length === 1) return { ok: true, fileType: first };
  if (!first)
    return { ok: false, problem: `no file type with ${describeFileTypeRef(ref)}; ${listed(types)}` };
  return {
    ok: false,
    problem: `${matches.length} file types match ${describeFileTypeRef(ref)} (${matches.map((t) => t.id).join(', ')}): configure the id instead`,
  };
}
