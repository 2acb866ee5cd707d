import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.ts';

describe('sleep', () => {
  it('resolves true after the delay and false when aborted', async () => {
    expect(await sleep(1)).toBe(true);
    const abort = new AbortController();
    const pending = sleep(60_000, abort.signal);
    abort.abort();
    expect(await pending).toBe(false);
    expect(await sleep(60_000, abort.signal)).toBe(false);
  });
});
