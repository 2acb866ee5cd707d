import { describe, expect, it } from 'vitest';
import { fixed, percentile, summarize, table } from './stats.ts';

describe('percentile (nearest rank)', () => {
  const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];

  it('picks the sample at the rank, whatever the order of the samples', () => {
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 95)).toBe(10);
    expect(percentile(samples, 10)).toBe(1);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
  });

  it('is NaN without samples, shown as "-"', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(fixed(summarize([]).max)).toBe('-');
  });

  it('summarises count, p50, p95, p99 and max', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(hundred)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });
});

describe('table', () => {
  it('left-aligns the first column, right-aligns the others, under a rule', () => {
    expect(
      table(
        ['level', 'p50 ms'],
        [
          ['1', '7.6'],
          ['10 (dup)', '24.4'],
        ],
      ),
    ).toBe(['level     p50 ms', '--------  ------', '1            7.6', '10 (dup)    24.4'].join('\n'));
  });
});
