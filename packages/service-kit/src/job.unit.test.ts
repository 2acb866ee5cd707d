import { describe, expect, it } from 'vitest';
import { attemptOf, defineJob, jobsOn } from './job.ts';
import type { JobToSend, SendJobOptions } from './jobs.ts';

const job = defineJob<{ id: string }>({
  name: 'do-thing',
  retry: { limit: 2, delaySeconds: 5, backoff: true, maxDelaySeconds: 60 },
  concurrency: 3,
});
const signal = new AbortController().signal;

describe('defineJob', () => {
  it('refuses a definition that cannot work', () => {
    const base = { name: 'x', retry: { limit: 1, delaySeconds: 1 }, concurrency: 1 };
    expect(() => defineJob({ ...base, name: 'Has Spaces' })).toThrow(/job name/);
    expect(() => defineJob({ ...base, retry: { limit: -1, delaySeconds: 1 } })).toThrow(/retry.limit/);
    expect(() => defineJob({ ...base, retry: { limit: 1, delaySeconds: Number.NaN } })).toThrow(
      /delaySeconds/,
    );
    expect(() => defineJob({ ...base, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => defineJob({ ...base, groupConcurrency: 0 })).toThrow(/groupConcurrency/);
  });
});

describe('attemptOf', () => {
  it('numbers runs from 1 and calls the run after the last retry final', () => {
    expect(attemptOf(job, { retryCount: 0, signal })).toEqual({ number: 1, final: false, signal });
    expect(attemptOf(job, { retryCount: 1, signal })).toMatchObject({ number: 2, final: false });
    expect(attemptOf(job, { retryCount: 2, signal })).toMatchObject({ number: 3, final: true });
  });

  it('a job without retries is final on its first run', () => {
    const once = defineJob({ name: 'once', retry: { limit: 0, delaySeconds: 0 }, concurrency: 1 });
    expect(attemptOf(once, { retryCount: 0, signal }).final).toBe(true);
  });
});

describe('jobsOn', () => {
  it('sends with the retry policy of the definition, the key and the transaction', async () => {
    const sent: { name: string; data: object; options: SendJobOptions | undefined }[] = [];
    const jobs = jobsOn<{ $queryRawUnsafe(): Promise<unknown> }>({
      send: async (name, data, options) => {
        sent.push({ name, data, options });
        return 'job-1';
      },
      sendMany: async () => {},
      cancel: async () => {},
    });
    const tx = { $queryRawUnsafe: async () => [] };
    const at = new Date('2026-01-01T00:00:00Z');
    await expect(jobs.send(job, { id: 'a' }, { tx, key: 'k', startAfter: at })).resolves.toBe('job-1');
    expect(sent).toEqual([
      {
        name: 'do-thing',
        data: { id: 'a' },
        options: {
          tx,
          singletonKey: 'k',
          startAfter: at,
          retryLimit: 2,
          retryDelay: 5,
          retryBackoff: true,
          retryDelayMax: 60,
        },
      },
    ]);
  });

  it('passes the group on (for a definition with groupConcurrency)', async () => {
    const sent: (SendJobOptions | undefined)[] = [];
    const jobs = jobsOn({
      send: async (_name, _data, options) => {
        sent.push(options);
        return 'job-2';
      },
      sendMany: async () => {},
      cancel: async () => {},
    });
    await jobs.send(job, { id: 'b' }, { group: 'tenant-a' });
    expect(sent[0]).toMatchObject({ group: 'tenant-a' });
  });

  it("sends many runs with one call: each with its key, its trace and the definition's retry policy", async () => {
    const calls: {
      name: string;
      jobs: readonly JobToSend<object>[];
      options: { tx?: unknown } | undefined;
    }[] = [];
    const jobs = jobsOn<{ $queryRawUnsafe(): Promise<unknown> }>({
      send: async () => null,
      sendMany: async (name, sent, options) => {
        calls.push({ name, jobs: sent, options });
      },
      cancel: async () => {},
    });
    const tx = { $queryRawUnsafe: async () => [] };
    const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    await jobs.sendMany(
      job,
      [
        { data: { id: 'a' }, key: 'ka', trace },
        { data: { id: 'b' }, group: 'tenant-a' },
      ],
      { tx },
    );
    const policy = { retryLimit: 2, retryDelay: 5, retryBackoff: true, retryDelayMax: 60 };
    expect(calls).toEqual([
      {
        name: 'do-thing',
        jobs: [
          { data: { id: 'a' }, trace, singletonKey: 'ka', ...policy },
          { data: { id: 'b' }, group: 'tenant-a', ...policy },
        ],
        options: { tx },
      },
    ]);
  });
});
