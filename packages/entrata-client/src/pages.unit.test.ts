import { describe, expect, it } from 'vitest';
import { allPages, collectPages, type PageRequest } from './pages.ts';

const fail = (message: string) => new Error(message);

function server(items: number[], options: { ignorePageNo?: boolean; ignorePerPage?: boolean } = {}) {
  const asked: PageRequest[] = [];
  return {
    asked,
    fetch: async (page: PageRequest) => {
      asked.push(page);
      if (options.ignorePerPage) return items;
      const start = options.ignorePageNo ? 0 : (page.pageNo - 1) * page.perPage;
      return items.slice(start, start + page.perPage);
    },
  };
}

describe('allPages', () => {
  it('reads until a short page', async () => {
    const s = server([1, 2, 3, 4, 5]);
    expect(await collectPages(allPages(s.fetch, { perPage: 2, maxPages: 10, fail }))).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(s.asked.map((p) => p.pageNo)).toEqual([1, 2, 3]);
  });

  it('stops at an empty page when the last page was full', async () => {
    const s = server([1, 2, 3, 4]);
    expect(await collectPages(allPages(s.fetch, { perPage: 2, maxPages: 10, fail }))).toEqual([1, 2, 3, 4]);
    expect(s.asked.map((p) => p.pageNo)).toEqual([1, 2, 3]);
  });

  it('takes a page longer than per_page as everything (paging ignored)', async () => {
    const s = server([1, 2, 3], { ignorePerPage: true });
    expect(await collectPages(allPages(s.fetch, { perPage: 2, maxPages: 10, fail }))).toEqual([1, 2, 3]);
    expect(s.asked).toHaveLength(1);
  });

  it('fails on a repeated page or too many pages instead of looping', async () => {
    await expect(
      collectPages(
        allPages(server([1, 2, 3], { ignorePageNo: true }).fetch, { perPage: 2, maxPages: 10, fail }),
      ),
    ).rejects.toThrow('page 2 repeats page 1');
    await expect(
      collectPages(allPages(server([1, 2, 3, 4, 5]).fetch, { perPage: 1, maxPages: 3, fail })),
    ).rejects.toThrow('more than 3 pages of 1');
  });
});
