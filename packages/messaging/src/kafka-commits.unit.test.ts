import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { periodicCommits } from './kafka-commits.ts';

type Offsets = { topic: string; partition: number; offset: string }[];

function setup(commit: () => Promise<void> = async () => {}) {
  const warn = vi.fn();
  const committed: Offsets[] = [];
  let resolved: Record<number, string> = {};
  const partitions = () => Object.entries(resolved).map(([p, offset]) => ({ partition: Number(p), offset }));
  const commits = periodicCommits({ warn } as never, 1000);
  commits.track({
    uncommittedOffsets: () => ({
      topics: partitions().length ? [{ topic: 't', partitions: partitions() }] : [],
    }),
    commitOffsetsIfNecessary: async (offsets) => {
      committed.push(
        (offsets?.topics ?? []).flatMap(({ topic, partitions }) =>
          partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
        ),
      );
      await commit();
    },
  });
  const resolve = (partition: number, offset: string) => {
    resolved = { ...resolved, [partition]: offset };
  };
  return { committed, commits, resolve, warn };
}

describe('periodicCommits', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('commits the resolved offsets of many batches once, an interval after the first', async () => {
    const { committed, commits, resolve } = setup();
    resolve(0, '5');
    await commits.afterBatch();
    resolve(0, '9');
    resolve(1, '2');
    await commits.afterBatch();
    expect(committed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(committed).toEqual([
      [
        { topic: 't', partition: 0, offset: '9' },
        { topic: 't', partition: 1, offset: '2' },
      ],
    ]);
  });

  it('after stop() commits each batch at its end, and nothing when nothing is resolved', async () => {
    const { committed, commits, resolve } = setup();
    await commits.stop();
    expect(committed).toEqual([]);
    resolve(0, '3');
    await commits.afterBatch();
    expect(committed).toEqual([[{ topic: 't', partition: 0, offset: '3' }]]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(committed).toHaveLength(1);
  });

  it('logs a refused commit instead of failing the batch (the messages come again, to the inbox)', async () => {
    const { commits, resolve, warn } = setup(async () => {
      throw new Error('The group is rebalancing');
    });
    resolve(0, '1');
    await expect(commits.flush()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
  });
});
