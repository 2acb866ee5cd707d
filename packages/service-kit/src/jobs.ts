import { randomUUID } from 'node:crypto';
import type { Logger } from '@autoverify/logger';
import {
  injectTraceContext,
  inSpan,
  type Meter,
  SpanKind,
  type TraceCarrier,
  withTraceContext,
} from '@autoverify/telemetry';
import { type Db, fromPrisma, type Job, PgBoss, type QueuePolicy, type SendOptions } from 'pg-boss';
import { jobRunCounter } from './metrics.ts';

/**
 * A transaction the caller already has open: a Prisma interactive-transaction client (`$queryRawUnsafe`),
 * a pg PoolClient (`query` resolving to `{ rows }`), or messaging's Sql (`query` resolving to rows).
 */
export type QueueTx =
  | { $queryRawUnsafe(query: string, ...values: unknown[]): Promise<unknown> }
  | { query(text: string, values?: unknown[]): Promise<unknown> };

export interface SendJobOptions {
  /** Enqueue inside this transaction: the job exists only if it commits. */
  tx?: QueueTx;
  /** At most one job per key is queued or running in the queue; a duplicate send returns null. */
  singletonKey?: string;
  /** A Date, or seconds from now. */
  startAfter?: Date | number;
  retryLimit?: number;
  /** Seconds between attempts (the base delay when retryBackoff is on). */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** Upper bound of the backoff delay, in seconds. */
  retryDelayMax?: number;
  /** Seconds a running attempt may take before it counts as failed. */
  expireIn?: number;
  /** The job's group (e.g. a tenant), for WorkOptions.groupConcurrency. */
  group?: string;
}

export interface JobInfo {
  id: string;
  name: string;
  /** 0 on the first attempt. */
  retryCount: number;
  /** Aborted when the job expires or the queue stops. */
  signal: AbortSignal;
}

export type JobHandler<T> = (data: T, job: JobInfo) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this queue run at most this many at a time in this process (default 1). */
  concurrency?: number;
  /**
   * How often an idle worker looks for new jobs (at least 0.5 s; tests pass a short one). Default: 10 s while
   * NOTIFY wakes workers for new jobs, 2 s when the LISTEN connection is down.
   */
  pollingIntervalSeconds?: number;
  /**
   * Jobs of one group (SendJobOptions.group) run at most this many at a time across all processes, so one
   * group's backlog cannot take every worker: the others' jobs are fetched past it.
   */
  groupConcurrency?: number;
  /**
   * Jobs each of the `concurrency` workers fetches at once (default 1). They run side by side and settle
   * with one statement per outcome (pg-boss's perJobResults): a burst of n jobs costs each worker one fetch
   * and one completion instead of n of each. The worker fetches again when the slowest of them is done.
   */
  batchSize?: number;
}

/** One job of a sendMany: its data, its options, and the trace it continues. */
export interface JobToSend<T extends object> extends Omit<SendJobOptions, 'tx'> {
  data: T;
  /** The trace the job's span continues (default: the active one when sendMany is called). */
  trace?: TraceCarrier;
}

export interface JobQueue {
  send<T extends object>(name: string, data: T, options?: SendJobOptions): Promise<string | null>;
  /**
   * Enqueues jobs of one queue with one statement (in `tx` when given), each as send would; a job whose
   * singletonKey is taken is skipped.
   */
  sendMany<T extends object>(
    name: string,
    jobs: readonly JobToSend<T>[],
    options?: { tx?: QueueTx },
  ): Promise<void>;
  work<T extends object>(name: string, handler: JobHandler<T>, options?: WorkOptions): Promise<void>;
  /** Cron schedule (UTC unless `tz` is given); one instance per schedule across all processes. */
  schedule(name: string, cron: string, data?: object, options?: { tz?: string }): Promise<void>;
  cancel(name: string, id: string): Promise<void>;
  /** Creates a queue explicitly (e.g. another policy); `send`/`work` create missing queues on their own. */
  createQueue(name: string, options?: { policy?: QueuePolicy }): Promise<void>;
  /** Throws when the database cannot be reached (for readiness checks). */
  ping(): Promise<void>;
  /** Stops fetching, waits for running jobs (up to `timeoutMs`), closes the pool. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** The underlying pg-boss instance, for what this wrapper does not cover. */
  readonly boss: PgBoss;
}

export interface StartJobQueueOptions {
  connectionString: string;
  logger: Logger;
  /** PostgreSQL schema of pg-boss's tables (default `pgboss`). */
  schema?: string;
  /** Pool size (default JOB_POOL_MAX; SEND_ONLY_POOL for a send-only queue). */
  max?: number;
  /** Counts job runs by queue and outcome (autoverify.jobs.runs). */
  meter?: Meter;
  /**
   * Only send jobs, as a web process does (role.ts): no supervision, cron or LISTEN, which the worker
   * process runs, and a pool of 2 (default false).
   */
  sendOnly?: boolean;
}

const TRACE_KEY = '_trace';
/** A send-only queue's connections: a route's job rides in the route's transaction, so this is for queue lookups. */
const SEND_ONLY_POOL = 2;

/**
 * pg-boss's pool per process (its LISTEN connection comes on top). Its queries are short (fetch, complete,
 * heartbeat, the supervisor's), so 3 keep up with a service's job slots; at pg-boss's 5 the pools were
 * 64 of the 112 connections that two stacks (the e2e suite's and a drill's) held on a server allowing 100.
 */
const JOB_POOL_MAX = 3;

/**
 * How often an idle worker polls while LISTEN/NOTIFY works: the most a delayed job (a reminder due, an
 * expiry due more than an hour after it was sent, a retry) starts late; jobs due sooner wake this process's
 * workers at their due time (wakeWhenDue). 10 s against 2 s before: idle job queries drop 5-fold.
 */
const JOB_SAFETY_POLL_SECONDS = 10;
/** Jobs due later than this are left to the safety poll (a timer per reminder due tomorrow is waste). */
const DUE_WAKE_HORIZON_MS = 60 * 60 * 1000;
/** A little after the due time, so the database's clock has passed it too. */
const DUE_WAKE_SLACK_MS = 50;

/**
 * Workers refresh a running job's heartbeat; a job whose worker died is failed (and retried) once the
 * heartbeat is this old, instead of after pg-boss's default expiry of 15 minutes.
 */
const QUEUE_HEARTBEAT_SECONDS = 10;

/**
 * How often pg-boss looks for flows (jobs waiting for other jobs) to resolve: none are created here, and its
 * default of 5 s was a query per process every 5 s while idle.
 */
const FLOW_POLL_SECONDS = 600;

/**
 * pg-boss behind the small API services need. Queues are created on first use with the `exclusive` policy:
 * a singletonKey then means "at most one queued or running job per key" (jobs sent without a key get a unique
 * one, so they never block each other).
 */
export async function startJobQueue(options: StartJobQueueOptions): Promise<JobQueue> {
  const logger = options.logger.child({ component: 'jobs' });
  const runs = options.meter ? jobRunCounter(options.meter) : undefined;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema ?? 'pgboss',
    max: options.max ?? (options.sendOnly ? SEND_ONLY_POOL : JOB_POOL_MAX),
    application_name: 'pg-boss',
    // Its spans would trace every poll; jobs get their own span around the handler instead.
    openTelemetry: { enabled: false },
    // A new job wakes an idle worker at once (NOTIFY) instead of waiting for its next poll. The NOTIFY is
    // sent whatever this says (the queue's `notify`): a send-only process just does not listen.
    useListenNotify: !options.sendOnly,
    ...(options.sendOnly ? { supervise: false, schedule: false } : {}),
    // pg-boss's default. A worker's first fetch loads a queue its cache lacks, and ensureQueue's
    // create or update reloads this process's entry, so the refresh only catches another process turning
    // a queue's notify flag on (once, on the first deploy of queues made without it): until then that worker
    // finds jobs by its safety poll. At 3 s, as before, it cost every idle process a query each 3 s.
    queueCacheIntervalSeconds: 60,
    // Finds jobs whose worker died (kill -9, lost node) by their missing heartbeat; see QUEUE_HEARTBEAT.
    superviseIntervalSeconds: 10,
    flowIntervalSeconds: FLOW_POLL_SECONDS,
    // pg-boss's instance registry (a row per process, refreshed every 30 s) samples the event loop's delay on
    // a 20 ms timer: 50 wake-ups a second in every idle process, most of its idle CPU (e2e/bench/README.md,
    // sixth session). Nothing here reads the registry; Kubernetes and the metrics say which pods run.
    registerInstance: false,
  });
  // An EventEmitter without an 'error' listener would crash the process on a transient database error.
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  boss.on('warning', (warning) => logger.warn({ warning }, 'job queue warning'));
  await boss.start();

  const known = new Map<string, Promise<void>>();
  // NOTIFY announces a job that is runnable now; one sent with startAfter becomes runnable later, when only
  // the slow safety poll would find it. This process's workers of its queue are woken at its due time
  // instead (a reminder, an expiry), if it is due within the hour (no timer for tomorrow's reminders).
  const workerIds = new Map<string, string[]>();
  const wakeWhenDue = (name: string, startAfter: Date | number) => {
    const dueInMs = typeof startAfter === 'number' ? startAfter * 1000 : startAfter.getTime() - Date.now();
    if (dueInMs <= 0 || dueInMs > DUE_WAKE_HORIZON_MS) return;
    setTimeout(() => {
      for (const id of workerIds.get(name) ?? []) boss.notifyWorker(id);
    }, dueInMs + DUE_WAKE_SLACK_MS).unref();
  };
  const ensureQueue = (name: string, policy: QueuePolicy = 'exclusive'): Promise<void> => {
    let pending = known.get(name);
    if (!pending) {
      // Created through pg-boss's own pool, never in the caller's transaction: a rollback must not undo it.
      pending = boss
        .getQueue(name)
        .then((existing) =>
          !existing
            ? boss.createQueue(name, { policy, notify: true, heartbeatSeconds: QUEUE_HEARTBEAT_SECONDS })
            : existing.notify && existing.heartbeatSeconds === QUEUE_HEARTBEAT_SECONDS
              ? undefined
              : boss.updateQueue(name, { notify: true, heartbeatSeconds: QUEUE_HEARTBEAT_SECONDS }),
        );
      pending.catch(() => known.delete(name));
      known.set(name, pending);
    }
    return pending;
  };

  return {
    boss,

    async send(name, data, opts = {}) {
      await ensureQueue(name);
      const sendOptions: SendOptions = {
        ...jobOptions(opts),
        ...(opts.tx ? { db: txDb(opts.tx) } : {}),
      };
      const id = await boss.send(name, withTrace(data, injectTraceContext()), sendOptions);
      if (id !== null && opts.startAfter !== undefined) wakeWhenDue(name, opts.startAfter);
      if (id === null)
        logger.debug({ queue: name, singletonKey: opts.singletonKey }, 'job already queued; not sent again');
      return id;
    },

    async sendMany(name, jobs, opts = {}) {
      if (jobs.length === 0) return;
      await ensureQueue(name);
      const active = injectTraceContext();
      await boss.insert(
        name,
        jobs.map(({ data, trace = active, ...options }) => ({
          data: withTrace(data, trace),
          ...jobOptions(options),
        })),
        opts.tx ? { db: txDb(opts.tx) } : {},
      );
      for (const { startAfter } of jobs) if (startAfter !== undefined) wakeWhenDue(name, startAfter);
    },

    async work(name, handler, opts = {}) {
      await ensureQueue(name);
      const run = async (job: Job<Record<string, unknown>>) => {
        const { [TRACE_KEY]: carrier, ...data } = job.data ?? {};
        const info: JobInfo = { id: job.id, name: job.name, retryCount: job.retryCount, signal: job.signal };
        await withTraceContext(carrier as TraceCarrier | undefined, () =>
          inSpan(
            `job ${name}`,
            { kind: SpanKind.CONSUMER, attributes: { 'job.id': job.id, 'job.retry_count': job.retryCount } },
            async () => {
              try {
                await handler(data as never, info);
                runs?.add(1, { queue: name, outcome: 'completed' });
              } catch (error) {
                runs?.add(1, { queue: name, outcome: 'failed' });
                logger.warn(
                  { err: error, queue: name, jobId: job.id, retryCount: job.retryCount },
                  'job failed',
                );
                throw error;
              }
            },
          ),
        );
      };
      // One pg-boss worker (localConcurrency 1) per slot, so each knows its own id: a worker that got a job
      // fetches again as soon as it is done, and only an empty fetch sends it to sleep until a NOTIFY or
      // the safety poll. pg-boss alone bursts only while its cached backlog count (refreshed every few
      // seconds) says jobs wait, so with that count stale a backlog waited out the 10 s safety poll between
      // NOTIFY bursts (e2e/bench sustained: notify's send job p50 6.4 s at 9 jobs/s).
      const ids: string[] = [];
      const batchSize = opts.batchSize ?? 1;
      for (let slot = 0; slot < (opts.concurrency ?? 1); slot++) {
        let id: string | undefined;
        const workOptions = {
          localConcurrency: 1,
          ...(opts.groupConcurrency === undefined ? {} : { groupConcurrency: opts.groupConcurrency }),
          // Used while the LISTEN connection is down.
          pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2,
          // A new job NOTIFYs at once; the poll behind it finds what NOTIFY cannot announce (a job whose
          // startAfter or retry delay has passed) and what was missed. Slow, so an idle service is quiet.
          notifyPollingIntervalSeconds: opts.pollingIntervalSeconds ?? JOB_SAFETY_POLL_SECONDS,
        };
        // Marks the worker notified: it skips its wait and fetches again once its jobs are settled.
        const fetchAgain = () => {
          if (id) boss.notifyWorker(id);
        };
        id =
          batchSize === 1
            ? await boss.work<Record<string, unknown>>(
                name,
                { ...workOptions, batchSize: 1 },
                async ([job]) => {
                  try {
                    if (job) await run(job);
                  } finally {
                    fetchAgain();
                  }
                },
              )
            : await boss.work<Record<string, unknown>>(
                name,
                { ...workOptions, batchSize, perJobResults: true },
                async (jobs) => {
                  try {
                    // Each job's failure is its own (retried by its own count); the others complete.
                    return await Promise.all(
                      jobs.map((job) =>
                        run(job).then(
                          () => ({ id: job.id, status: 'completed' as const }),
                          (error: unknown) => ({ id: job.id, status: 'failed' as const, output: error }),
                        ),
                      ),
                    );
                  } finally {
                    fetchAgain();
                  }
                },
              );
        ids.push(id);
      }
      workerIds.set(name, [...(workerIds.get(name) ?? []), ...ids]);
    },

    async schedule(name, cron, data = {}, opts = {}) {
      await ensureQueue(name);
      await boss.schedule(name, cron, data, opts.tz ? { tz: opts.tz } : {});
    },

    async cancel(name, id) {
      await boss.cancel(name, id);
    },

    async createQueue(name, opts = {}) {
      await ensureQueue(name, opts.policy);
    },

    async ping() {
      await boss.getDb().executeSql('SELECT 1');
    },

    async stop(opts = {}) {
      await boss.stop({ graceful: true, close: true, timeout: opts.timeoutMs ?? 20_000 });
    },
  };
}

/** The job's data with the trace its span continues (none without an active trace). */
const withTrace = (data: object, trace: TraceCarrier) =>
  trace.traceparent ? { ...data, [TRACE_KEY]: trace } : { ...data };

/** pg-boss's options for a job (send's and insert's names are the same). */
function jobOptions(opts: Omit<SendJobOptions, 'tx'>) {
  return {
    // A unique key for a job without one: the queue's exclusive policy holds one job per key.
    singletonKey: opts.singletonKey ?? randomUUID(),
    ...(opts.startAfter === undefined ? {} : { startAfter: opts.startAfter }),
    ...(opts.retryLimit === undefined ? {} : { retryLimit: opts.retryLimit }),
    ...(opts.retryDelay === undefined ? {} : { retryDelay: opts.retryDelay }),
    ...(opts.retryBackoff === undefined ? {} : { retryBackoff: opts.retryBackoff }),
    ...(opts.retryDelayMax === undefined ? {} : { retryDelayMax: opts.retryDelayMax }),
    ...(opts.expireIn === undefined ? {} : { expireInSeconds: opts.expireIn }),
    ...(opts.group === undefined ? {} : { group: { id: opts.group } }),
  };
}

function txDb(tx: QueueTx): Db {
  if ('$queryRawUnsafe' in tx) return fromPrisma(tx as never);
  return {
    async executeSql(text, values) {
      const result = await tx.query(text, values);
      // pg's client answers { rows }, messaging's Sql answers the rows themselves.
      return { rows: Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []) };
    },
  };
}
