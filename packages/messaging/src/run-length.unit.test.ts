import { describe, expect, it } from 'vitest';
import { RunLength } from './run-length.ts';

describe('RunLength', () => {
  it('takes the most events until a transaction has been timed', () => {
    expect(new RunLength(50, 20).next()).toBe(20);
  });

  it('sizes the run to the budget from the time per event, within 1..max', () => {
    const fast = new RunLength(50, 20);
    fast.observe(10, 20); // 2 ms per event: 25 would fit, 20 is the most
    expect(fast.next()).toBe(20);
    const medium = new RunLength(50, 20);
    medium.observe(8, 96); // 12 ms per event
    expect(medium.next()).toBe(4);
    const slow = new RunLength(50, 20);
    slow.observe(2, 400);
    expect(slow.next()).toBe(1);
  });

  it('follows a lasting change within a few transactions, not one outlier at once', () => {
    const runs = new RunLength(50, 20);
    runs.observe(10, 50); // 5 ms per event
    expect(runs.next()).toBe(10);
    runs.observe(1, 30); // one slow transaction
    expect(runs.next()).toBeGreaterThan(1);
    for (let i = 0; i < 5; i++) runs.observe(1, 30);
    expect(runs.next()).toBe(1);
    for (let i = 0; i < 20; i++) runs.observe(10, 20);
    expect(runs.next()).toBe(20);
  });
});
