/**
 * A service's jobs, declared once: name, retry policy and concurrency live in the definition, so the call
 * sites that enqueue a job never repeat them and the worker learns from the same definition whether a run
 * is the last one allowed.
 */

import type { TraceCarrier } from '@autoverify/telemetry';
import type { SqlTransaction } from './database.ts';
import type { JobInfo, JobQueue, QueueTx } from './jobs.ts';

export interface JobRetry {
  /** Retries after the first run: a job runs at most limit + 1 times. */
  limit: number;
  /** Seconds before a retry (the base of the doubling when backoff is on). */
  delaySeconds: number;
  /** Double the delay after each failed run (default false). */
  backoff?: boolean;
  /** Upper bound of a backed-off delay, in seconds. */
  maxDelaySeconds?: number;
}

export interface JobDefinition<Data extends object> {
  readonly name: string;
  readonly retry: JobRetry;
  /** Workers of this job in one process; each runs one job at a time, or one batch (batchSize). */
  readonly concurrency: number;
  /**
   * Jobs a worker fetches and runs side by side, settled with one statement per outcome (default 1): a
   * burst of jobs costs a fetch and a completion per batch instead of per job. The worker takes new jobs when
   * the slowest of its batch is done, so for short jobs of similar length.
   */
  readonly batchSize?: number;
  /**
   * Runs of one group (SendOptions.group, e.g. a tenant) at most this many at a time across all processes,
   * so one group's flood leaves workers for the others. Default: no limit per group.
   */
  readonly groupConcurrency?: number;
  /** Seconds one run may take before it counts as failed and is retried (default: pg-boss's 15 minutes). */
  readonly expireInSeconds?: number;
  /** Also run on this cron schedule (UTC): one run per occurrence across all processes. */
  readonly schedule?: string;
  /** Type only: the job's data. */
  readonly __data?: Data;
}

export function defineJob<Data extends object>(definition: {
  name: string;
  retry: JobRetry;
  concurrency: number;
  batchSize?: number;
  groupConcurrency?: number;
  expireInSeconds?: number;
  schedule?: string;
}): JobDefinition<Data> {
  const { name, retry, concurrency } = definition;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`job name "${name}": lower-case words joined by -`);
  if (!Number.isInteger(retry.limit) || retry.limit < 0)
    throw new Error(`job ${name}: retry.limit must be an integer >= 0`);
  if (!(retry.delaySeconds >= 0)) throw new Error(`job ${name}: retry.delaySeconds must be >= 0`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`job ${name}: concurrency must be an integer >= 1`);
  const { batchSize, groupConcurrency } = definition;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1))
    throw new Error(`job ${name}: batchSize must be an integer >= 1`);
  if (groupConcurrency !== undefined && (!Number.isInteger(groupConcurrency) || groupConcurrency < 1))
    throw new Error(`job ${name}: groupConcurrency must be an integer >= 1`);
  return Object.freeze({ ...definition, retry: Object.freeze({ ...retry }) });
}

/** Where one run of a job stands in its retries. */
export interface JobAttempt {
  /** 1 on the first run. */
  number: number;
  /** No retry follows if this run fails: record the failure for good instead of throwing. */
  final: boolean;
  /** Aborted when the run expires or the service stops. */
  signal: AbortSignal;
}

/** Runs one job; throwing means "retry later". What it resolves with is ignored. */
export type JobRun<Data extends object> = (data: Data, attempt: JobAttempt) => Promise<unknown>;

export interface JobWorker {
  readonly job: JobDefinition<object>;
  readonly run: JobRun<object>;
}

/** A worker for ServiceParts.jobs: the function runs each job; throwing means "retry later". */
export function worker<Data extends object>(job: JobDefinition<Data>, run: JobRun<Data>): JobWorker {
  return { job: job as JobDefinition<object>, run: run as JobRun<object> };
}

export function attemptOf(
  job: JobDefinition<object>,
  info: Pick<JobInfo, 'retryCount' | 'signal'>,
): JobAttempt {
  // retryCount counts this job's earlier runs; a support re-run sends a new job with a fresh budget.
  return { number: info.retryCount + 1, final: info.retryCount >= job.retry.limit, signal: info.signal };
}

export interface SendOptions<Tx> {
  /** Enqueue inside this transaction (Prisma's, or a SqlTransaction): the job exists only if it commits. */
  tx?: Tx | SqlTransaction;
  /** At most one queued or running job per key; a second send with the key returns null. */
  key?: string;
  /** A Date, or seconds from now. */
  startAfter?: Date | number;
  /** The job's group (e.g. its tenant) for the definition's groupConcurrency. */
  group?: string;
}

/** What use cases do with jobs: ctx.jobs. Workers are registered by service-kit from ServiceParts.jobs. */
export interface Jobs<Tx> {
  /** Enqueues a run of `job` with its definition's retry policy; resolves with the job id, or null (key taken). */
  send<Data extends object>(
    job: JobDefinition<Data>,
    data: Data,
    options?: SendOptions<Tx>,
  ): Promise<string | null>;
  /**
   * Enqueues runs of `job` with one statement, each as send would (a run whose key is taken is skipped). A
   * batch handler passes each item's trace (`ctx.inEventSpan(injectTraceContext)`), so every run continues its
   * own event's trace.
   */
  sendMany<Data extends object>(
    job: JobDefinition<Data>,
    runs: readonly JobRunToSend<Data>[],
    options?: Pick<SendOptions<Tx>, 'tx'>,
  ): Promise<void>;
  /** Cancels a queued job (best effort: a job that already started finishes). */
  cancel(job: JobDefinition<object>, id: string): Promise<void>;
}

/** One run of a sendMany: its data, the options send takes besides `tx`, and the trace it continues. */
export interface JobRunToSend<Data extends object> extends Omit<SendOptions<never>, 'tx'> {
  data: Data;
  /** Default: the active trace when sendMany is called. */
  trace?: TraceCarrier;
}

export function jobsOn<Tx extends QueueTx>(queue: Pick<JobQueue, 'send' | 'sendMany' | 'cancel'>): Jobs<Tx> {
  /** The queue's options of one run: the caller's, then the definition's retry policy. */
  const optionsOf = (job: JobDefinition<object>, options: Omit<SendOptions<Tx>, 'tx'>) => ({
    ...(options.key === undefined ? {} : { singletonKey: options.key }),
    ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
    ...(options.group === undefined ? {} : { group: options.group }),
    retryLimit: job.retry.limit,
    retryDelay: job.retry.delaySeconds,
    retryBackoff: job.retry.backoff ?? false,
    ...(job.retry.maxDelaySeconds === undefined ? {} : { retryDelayMax: job.retry.maxDelaySeconds }),
    ...(job.expireInSeconds === undefined ? {} : { expireIn: job.expireInSeconds }),
  });
  return {
    send: (job, data, options = {}) =>
      queue.send(job.name, data, {
        ...(options.tx ? { tx: options.tx } : {}),
        ...optionsOf(job, options),
      }),
    sendMany: (job, runs, options = {}) =>
      queue.sendMany(
        job.name,
        runs.map(({ data, trace, ...run }) => ({
          data,
          ...(trace ? { trace } : {}),
          ...optionsOf(job, run),
        })),
        options.tx ? { tx: options.tx } : {},
      ),
    cancel: (job, id) => queue.cancel(job.name, id),
  };
}

/** Registers each worker with the queue at its job's concurrency, and the schedules of scheduled jobs. */
export async function startWorkers(
  queue: Pick<JobQueue, 'work' | 'schedule'>,
  workers: readonly JobWorker[],
  options: { pollingIntervalSeconds?: number } = {},
): Promise<void> {
  const names = new Set<string>();
  for (const { job, run } of workers) {
    if (names.has(job.name)) throw new Error(`two workers for job ${job.name}`);
    names.add(job.name);
    await queue.work<object>(
      job.name,
      async (data, info) => {
        await run(data, attemptOf(job, info));
      },
      {
        concurrency: job.concurrency,
        ...(job.batchSize === undefined ? {} : { batchSize: job.batchSize }),
        ...(job.groupConcurrency === undefined ? {} : { groupConcurrency: job.groupConcurrency }),
        ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
      },
    );
    if (job.schedule) await queue.schedule(job.name, job.schedule);
  }
}
