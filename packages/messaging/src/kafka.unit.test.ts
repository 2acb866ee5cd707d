import { describe, expect, it } from 'vitest';
import { readRanges } from './kafka-read.ts';

const offsets = [
  { partition: 0, low: '0', high: '10' },
  { partition: 1, low: '4', high: '6' },
  { partition: 2, low: '3', high: '3' },
];
const show = (ranges: Map<number, { start: bigint; end: bigint }>) =>
  [...ranges].map(([p, r]) => [p, Number(r.start), Number(r.end)]);

describe('readRanges', () => {
  it('reads every retained message of non-empty partitions by default', () => {
    expect(show(readRanges(offsets, {}))).toEqual([
      [0, 0, 10],
      [1, 4, 6],
    ]);
  });
  it('narrows to a partition, a start offset and a count', () => {
    expect(show(readRanges(offsets, { partition: 0, fromOffset: '7', maxMessages: 1 }))).toEqual([[0, 7, 8]]);
    expect(show(readRanges(offsets, { partition: 1, fromOffset: '0' }))).toEqual([[1, 4, 6]]);
    expect(show(readRanges(offsets, { partition: 0, fromOffset: '10' }))).toEqual([]);
  });
  it('takes the last n of each partition, never before the earliest retained offset', () => {
    expect(show(readRanges(offsets, { last: 3 }))).toEqual([
      [0, 7, 10],
      [1, 4, 6],
    ]);
  });
});
