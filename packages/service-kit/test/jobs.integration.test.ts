import { createLogger } from '@autoverify/logger';
import { injectTraceContext, shutdownTelemetry, startTelemetry, tracer } from '@autoverify/telemetry';
import { createTestDatabase, waitFor } from '@autoverify/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobInfo, type JobQueue, startJobQueue } from '../src/index.ts';

const logger = createLogger({ service: 'jobs-test', level: 'silent' });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let pool: pg.Pool;
let queue: JobQueue;

beforeAll(async () => {
  await startTelemetry({ instrument: false, env: {} });
  db = await createTestDatabase('service_kit_jobs');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  queue = await startJobQueue({ connectionString: db.url, logger });
});

afterAll(async () => {
  await queue?.stop({ timeoutMs: 2000 });
  await pool?.end();
  await db?.drop();
  await shutdownTelemetry();
});

function collect(name: string) {
  const runs: { data: Record<string, unknown>; job: JobInfo; at: number }[] = [];
  return {
    runs,
    start: (handler?: (data: Record<string, unknown>, job: JobInfo) => Promise<void>) =>
      queue.work<Record<string, unknown>>(
        name,
        async (data, job) => {
          runs.push({ data, job, at: Date.now() });
          await handler?.(data, job);
        },
        { pollingIntervalSeconds: 0.5 },
      ),
  };
}

async function inTransaction<T>(
  outcome: 'COMMIT' | 'ROLLBACK',
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query(outcome);
    return result;
  } finally {
    client.release();
  }
}

describe('startJobQueue', () => {
  it('runs a job enqueued in a committed transaction exactly once, and never one from a rolled-back transaction', async () => {
    const worker = collect('tx-jobs');
    await worker.start();
    await inTransaction('ROLLBACK', (tx) => queue.send('tx-jobs', { n: 'rolled-back' }, { tx }));
    const id = await inTransaction('COMMIT', (tx) => queue.send('tx-jobs', { n: 'committed' }, { tx }));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => worker.runs.length > 0, { message: 'committed job' });
    await sleep(1500);
    expect(worker.runs.map((r) => r.data)).toEqual([{ n: 'committed' }]);
    expect(worker.runs[0]?.job.id).toBe(id);
  });

  it('enqueues through a Prisma transaction client ($queryRawUnsafe) and messaging Sql (rows)', async () => {
    const worker = collect('adapter-jobs');
    await worker.start();
    await inTransaction('COMMIT', async (client) => {
      const prismaLike = {
        $queryRawUnsafe: async (q: string, ...values: unknown[]) => (await client.query(q, values)).rows,
      };
      const sqlLike = {
        query: async (q: string, values?: unknown[]) => (await client.query(q, values)).rows,
      };
      await queue.send('adapter-jobs', { via: 'prisma' }, { tx: prismaLike });
      await queue.send('adapter-jobs', { via: 'sql' }, { tx: sqlLike });
    });
    await inTransaction('ROLLBACK', async (client) => {
      const prismaLike = {
        $queryRawUnsafe: async (q: string, ...values: unknown[]) => (await client.query(q, values)).rows,
      };
      await queue.send('adapter-jobs', { via: 'rolled-back prisma' }, { tx: prismaLike });
    });
    await waitFor(() => worker.runs.length >= 2, { message: 'two jobs' });
    await sleep(1000);
    expect(worker.runs.map((r) => r.data.via).sort()).toEqual(['prisma', 'sql']);
  });

  it('de-duplicates by singletonKey while a job is queued', async () => {
    const first = await queue.send('singleton-jobs', { n: 1 }, { singletonKey: 'applicant-42' });
    const second = await queue.send('singleton-jobs', { n: 2 }, { singletonKey: 'applicant-42' });
    const other = await queue.send('singleton-jobs', { n: 3 }, { singletonKey: 'applicant-43' });
    const unkeyed = [
      await queue.send('singleton-jobs', { n: 4 }),
      await queue.send('singleton-jobs', { n: 5 }),
    ];
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(other).not.toBeNull();
    expect(unkeyed.every((id) => id !== null)).toBe(true);
    const worker = collect('singleton-jobs');
    await worker.start();
    await waitFor(() => worker.runs.length >= 4, { message: 'four jobs' });
    await sleep(1000);
    expect(worker.runs.map((r) => r.data.n).sort()).toEqual([1, 3, 4, 5]);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const worker = collect('retry-jobs');
    await worker.start(async (_data, job) => {
      if (job.retryCount < 2) throw new Error(`transient failure ${job.retryCount}`);
    });
    await queue.send(
      'retry-jobs',
      { n: 1 },
      { retryLimit: 3, retryDelay: 1, retryBackoff: true, retryDelayMax: 3 },
    );
    await waitFor(() => worker.runs.length >= 3, { message: 'third attempt' });
    await sleep(1000);
    expect(worker.runs.map((r) => r.job.retryCount)).toEqual([0, 1, 2]);
    const [a, b, c] = worker.runs.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(900);
    expect(c - b).toBeGreaterThanOrEqual(900);
    const stored = await queue.boss.findJobs('retry-jobs');
    expect(stored[0]?.state).toBe('completed');
  });

  it('works off a backlog job after job, without waiting for a poll or a NOTIFY', async () => {
    // Queued before the workers start, and their poll is an hour: only fetching again after each job drains it.
    for (let n = 0; n < 7; n++) await queue.send('backlog-jobs', { n });
    const runs: number[] = [];
    await queue.work<{ n: number }>(
      'backlog-jobs',
      async ({ n }) => {
        runs.push(n);
      },
      { concurrency: 2, pollingIntervalSeconds: 3600 },
    );
    await waitFor(() => runs.length >= 7, { message: 'all 7 backlog jobs' });
    expect(runs.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('wakes an idle worker at once for a job another process queues, on a queue that process created', async () => {
    // The worker's queue cache was loaded at its start, before the queue existed, and is refreshed only each
    // minute; its poll is an hour. Only the NOTIFY, with the queue's flag read on the first fetch, runs it.
    const sender = await startJobQueue({ connectionString: db.url, logger, sendOnly: true });
    try {
      await sender.send('other-process-jobs', { n: 0 });
      const runs: { n: number; at: number }[] = [];
      await queue.work<{ n: number }>(
        'other-process-jobs',
        async ({ n }) => void runs.push({ n, at: Date.now() }),
        {
          pollingIntervalSeconds: 3600,
        },
      );
      await waitFor(() => runs.length === 1, { message: 'the job queued before the worker' });
      await sleep(500);
      const sentAt = Date.now();
      await sender.send('other-process-jobs', { n: 1 });
      await waitFor(() => runs.length === 2, { timeoutMs: 5000, message: 'the job queued while it idled' });
      expect((runs[1]?.at ?? 0) - sentAt).toBeLessThan(3000);
    } finally {
      await sender.stop({ timeoutMs: 2000 });
    }
  });

  it('delays with startAfter and cancels', async () => {
    const id = await queue.send('delayed-jobs', { n: 1 }, { startAfter: 60 });
    expect(id).not.toBeNull();
    await queue.cancel('delayed-jobs', id as string);
    const [job] = await queue.boss.findJobs('delayed-jobs', { id: id as string });
    expect(job?.state).toBe('cancelled');
    const at = new Date(Date.now() + 3600_000);
    const later = await queue.send('delayed-jobs', { n: 2 }, { startAfter: at });
    const [stored] = await queue.boss.findJobs('delayed-jobs', { id: later as string });
    expect(Math.abs(new Date(stored?.startAfter ?? 0).getTime() - at.getTime())).toBeLessThan(1000);
  });

  it('carries the sender trace context into the handler', async () => {
    const worker = collect('traced-jobs');
    let handlerTrace: string | undefined;
    await worker.start(async () => {
      handlerTrace = injectTraceContext().traceparent;
    });
    const senderTraceId = await tracer.startActiveSpan('http request', async (span) => {
      await queue.send('traced-jobs', { n: 1 });
      span.end();
      return span.spanContext().traceId;
    });
    await waitFor(() => handlerTrace, { message: 'traced job' });
    expect(handlerTrace?.split('-')[1]).toBe(senderTraceId);
    expect(worker.runs[0]?.data).toEqual({ n: 1 });
  });

  it('sends many jobs with one statement: in the transaction, keys de-duplicated, each with its own trace', async () => {
    const worker = collect('many-jobs');
    const traces = new Map<unknown, string | undefined>();
    const traceOf = (name: string) =>
      tracer.startActiveSpan(name, (span) => {
        span.end();
        return { carrier: injectTraceContext(), traceId: span.spanContext().traceId };
      });
    const [a, b] = [traceOf('request a'), traceOf('request b')];
    await inTransaction('ROLLBACK', (tx) =>
      queue.sendMany('many-jobs', [{ data: { n: 'rolled-back' } }], { tx }),
    );
    await queue.send('many-jobs', { n: 'queued before' }, { singletonKey: 'taken' });
    const statements = await inTransaction('COMMIT', async (client) => {
      let count = 0;
      const counting = {
        query: (q: string, values?: unknown[]) => {
          count++;
          return client.query(q, values);
        },
      };
      await queue.sendMany(
        'many-jobs',
        [
          { data: { n: 1 }, singletonKey: 'one', trace: a.carrier },
          { data: { n: 2 }, trace: b.carrier },
          { data: { n: 'key taken' }, singletonKey: 'taken' },
          { data: { n: 'key repeated' }, singletonKey: 'one' },
        ],
        { tx: counting },
      );
      return count;
    });
    expect(statements).toBe(1);
    // Started only now: a key is taken while its job waits, so 'queued before' must not have run yet.
    await worker.start(async (data) => {
      traces.set(data.n, injectTraceContext().traceparent?.split('-')[1]);
    });
    await waitFor(() => worker.runs.length >= 3, { message: 'three jobs' });
    await sleep(1000);
    expect(worker.runs.map((r) => r.data.n).sort()).toEqual([1, 2, 'queued before']);
    expect(traces.get(1)).toBe(a.traceId);
    expect(traces.get(2)).toBe(b.traceId);
  });

  it('runs a batch side by side, and retries only the job of it that failed', async () => {
    const runs: { n: unknown; retryCount: number }[] = [];
    let started = 0;
    let allStarted: () => void = () => {};
    const together = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    await queue.sendMany(
      'batch-jobs',
      [1, 2, 3, 'fails once'].map((n) => ({ data: { n }, retryLimit: 2, retryDelay: 1 })),
    );
    await queue.work<{ n: unknown }>(
      'batch-jobs',
      async ({ n }, job) => {
        runs.push({ n, retryCount: job.retryCount });
        if (job.retryCount > 0) return;
        // Each first run waits for the other three: they can only all finish when they run side by side.
        if (++started === 4) allStarted();
        await together;
        if (n === 'fails once') throw new Error('transient');
      },
      { concurrency: 1, batchSize: 5, pollingIntervalSeconds: 0.5 },
    );
    await waitFor(() => runs.length >= 5, { message: 'four runs and one retry' });
    await sleep(1500);
    expect(runs.map((r) => `${r.n}@${r.retryCount}`).sort()).toEqual(
      ['1@0', '2@0', '3@0', 'fails once@0', 'fails once@1'].sort(),
    );
    const states = await pool.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'batch-jobs' GROUP BY state`,
    );
    expect(states.rows).toEqual([{ state: 'completed', n: 4 }]);
  });

  it('registers cron schedules and answers ping', async () => {
    await queue.schedule('nightly', '0 3 * * *', { kind: 'reconcile' }, { tz: 'America/Denver' });
    const schedules = await queue.boss.getSchedules('nightly');
    expect(schedules[0]).toMatchObject({ name: 'nightly', cron: '0 3 * * *', timezone: 'America/Denver' });
    await expect(queue.ping()).resolves.toBeUndefined();
  });
});
