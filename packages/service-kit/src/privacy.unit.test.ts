import { describe, expect, it } from 'vitest';
import { fixedClock } from './clock.ts';
import { retentionCutoff, retentionJob, retentionWorker } from './privacy.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;

describe('retention', () => {
  it('cuts off RETENTION_DAYS before now', () => {
    expect(retentionCutoff(new Date('2026-12-05T03:17:00Z'), 90).toISOString()).toBe(
      '2026-09-06T03:17:00.000Z',
    );
  });

  it('purges in batches, each in its own transaction, until a batch deletes nothing', async () => {
    let left = 450;
    const batches: { cutoff: string; limit: number }[] = [];
    const db = { client: 'tx', run: async <T>(fn: (tx: string) => Promise<T>) => fn('tx') };
    const worker = retentionWorker(
      { db, clock: fixedClock(new Date('2026-12-05T00:00:00Z')), logger: silent, retentionDays: 30 },
      async (_tx, cutoff, limit) => {
        batches.push({ cutoff: cutoff.toISOString(), limit });
        const n = Math.min(limit, left);
        left -= n;
        return { rows: n };
      },
    );
    expect(worker.job).toBe(retentionJob);
    await worker.run({}, { number: 1, final: false, signal: new AbortController().signal });
    expect(left).toBe(0);
    expect(batches.map((b) => b.limit)).toEqual([200, 200, 200, 200]);
    expect(batches[0]?.cutoff).toBe('2026-11-05T00:00:00.000Z');
  });
});
