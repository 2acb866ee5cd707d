import { EntrataError } from './errors.ts';

/** One page of a paginated method, from the `page_no` (1-based) and `per_page` URL query parameters. */
export interface Page {
  pageNo: number;
  perPage: number;
}

/**
 * Entrata's published API description pages getLeads, getLeaseDocumentsList (and others) with the query
 * parameters `page_no` and `per_page`. NOT DOCUMENTED: the defaults when they are absent (assumed: page 1 of
 * 100), what a malformed value gets (assumed: a 304 parameter error) and how the last page is signalled
 * (assumed: nothing says so; a page shorter than `per_page`, or an empty one, is the end).
 */
export const DEFAULT_PAGE: Page = { pageNo: 1, perPage: 100 };

function positive(query: Record<string, unknown>, name: string, fallback: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (typeof text !== 'string' || !/^\d{1,6}$/.test(text) || Number(text) < 1)
    throw new EntrataError('invalidParams', `${name} must be a positive integer.`);
  return Number(text);
}

export function pageFromQuery(query: Record<string, unknown> | undefined): Page {
  return {
    pageNo: positive(query ?? {}, 'page_no', DEFAULT_PAGE.pageNo),
    perPage: positive(query ?? {}, 'per_page', DEFAULT_PAGE.perPage),
  };
}

export function pageOf<T>(items: readonly T[], page: Page): T[] {
  const start = (page.pageNo - 1) * page.perPage;
  return items.slice(start, start + page.perPage);
}
