import { describe, expect, it } from 'vitest';
import { parseScrape } from './metrics.ts';

describe('parseScrape', () => {
  it('reads samples by name with their labels, skipping comments', () => {
    const scrape = parseScrape(
      [
        '# HELP x_total a counter',
        '# TYPE x_total counter',
        'x_total{a="1",b="two words"} 3',
        'x_total{a="2"} 4.5',
        'y 0',
        '',
      ].join('\n'),
    );
    expect(scrape.get('x_total')).toEqual([
      { labels: { a: '1', b: 'two words' }, value: 3 },
      { labels: { a: '2' }, value: 4.5 },
    ]);
    expect(scrape.get('y')).toEqual([{ labels: {}, value: 0 }]);
    expect(scrape.has('HELP')).toBe(false);
  });
});
