/** One page of a paginated Entrata method: `page_no` (1-based) and `per_page`, sent as URL query parameters. */
export interface PageRequest {
  pageNo: number;
  perPage: number;
}

export function pageQuery(page: PageRequest): Record<string, string> {
  return { page_no: String(page.pageNo), per_page: String(page.perPage) };
}

export interface PagingOptions {
  perPage: number;
  /** A guard against a server that never ends: beyond this many pages the read fails visibly. */
  maxPages: number;
  /** The error for a read that cannot be trusted (too many pages, the same page twice). */
  fail: (message: string) => Error;
}

/**
 * Every page of a paginated read, in order. Entrata documents `page_no` and `per_page` for getLeads and
 * getLeaseDocumentsList, but NOT how the last page is signalled (the `X-Send-Pagination-Links` header asks for
 * links in the body, in an undocumented form). So a page shorter than `per_page` is taken as the last one, as
 * public clients do; a page longer than `per_page` means the server ignored paging and sent everything; a page
 * identical to the one before means it ignored `page_no`, which would otherwise loop until `maxPages`.
 */
export async function* allPages<T>(
  fetchPage: (page: PageRequest) => Promise<T[]>,
  options: PagingOptions,
): AsyncGenerator<T[]> {
  let previous: string | undefined;
  for (let pageNo = 1; pageNo <= options.maxPages; pageNo++) {
    const items = await fetchPage({ pageNo, perPage: options.perPage });
    if (items.length === 0) return;
    const fingerprint = JSON.stringify(items);
    if (fingerprint === previous)
      throw options.fail(`page ${pageNo} repeats page ${pageNo - 1}: page_no seems to be ignored`);
    previous = fingerprint;
    yield items;
    if (items.length !== options.perPage) return;
  }
  throw options.fail(`more than ${options.maxPages} pages of ${options.perPage}: read stopped`);
}

/** All items of every page, for reads that are small enough to hold at once. */
export async function collectPages<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
