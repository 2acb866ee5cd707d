/**
 * webhook-ack: how fast ingest acknowledges Entrata's `application.submitted` webhook (the promise:
 * "within milliseconds"). Signed webhooks go straight to ingest's endpoint at fixed concurrency levels;
 * each names a real application of the sandbox's Entrata, so the work the webhook queues (the Entrata read)
 * is real and runs in the background while later requests are measured. Duplicate deliveries (an event id
 * ingest already stored) are measured separately.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { signEntrataWebhook } from '@autoverify/sandbox';
import pg from 'pg';
import { Pool } from 'undici';
import { person } from '../src/people.ts';
import { SandboxClient, type SubmittedApplication } from '../src/sandbox-client.ts';
import { E2E_TENANT, PROPERTIES } from '../src/tenants.ts';
import { type BenchStack, SERVICE_PROCESSES, startBenchStack } from './bench-stack.ts';
import { awaitInvites, type Submission } from './invite-latency.ts';
import { cpuSince, idleCpu, ratio, startReferenceWebhookServer } from './references.ts';
import type { BenchReport } from './report.ts';
import { fixed, summarize, table } from './stats.ts';

export const CONCURRENCY_LEVELS = [1, 10, 50] as const;
const WARM_UP_REQUESTS = 100;
/** Right after "ready" the processes still join consumer groups and run their first polls. */
const SETTLE_MS = 10_000;
const DUPLICATE_CONCURRENCY = 10;
/** Applications the webhooks cycle through: their first webhook invites the household, later ones re-read. */
const APPLICATIONS = 20;
/**
 * Each level starts once the stack used less than this share of one core over a second (its idle polling is
 * ~6%): the warm-up's 20 households' invitations, and the syncs an ingest level queued (spaced seconds apart),
 * otherwise ran during the next level, ingest's or the reference's, and not during the other's.
 */
const QUIET_CPU_SHARE = 0.15;
const QUIET_TIMEOUT_MS = 60_000;

export interface WebhookTarget {
  ingestUrl: string;
  tenantId: string;
  secret: string;
  applications: SubmittedApplication[];
}

export interface LoadResult {
  concurrency: number;
  requests: number;
  durationMs: number;
  latenciesMs: number[];
  /** What went wrong, counted: `HTTP 503`, `ECONNRESET ...`. */
  errors: Map<string, number>;
}

/** Real applications in the sandbox's Entrata, submitted without a webhook: the bench sends those. */
export async function prepareApplications(
  sandbox: SandboxClient,
  count = APPLICATIONS,
): Promise<Submission[]> {
  const submissions: Submission[] = [];
  for (let i = 0; i < count; i++) {
    const applicants = [
      person({ role: 'Primary', firstName: 'Ada' }),
      person({ role: 'Co-Applicant', firstName: 'Grace' }),
    ];
    const submittedAt = Date.now();
    const entrata = await sandbox.submitApplication({
      propertyId: PROPERTIES.identity,
      applicants,
      webhook: 'none',
    });
    submissions.push({ entrata, applicants, submittedAt });
  }
  return submissions;
}

/**
 * Waits until the warm-up's applications are invited and the stack is quiet again, so that ingest and the
 * reference are measured on the same machine load: the work each level causes is its own.
 */
async function awaitWarmUp(
  bench: BenchStack,
  sandbox: SandboxClient,
  submissions: readonly Submission[],
  log: (line: string) => void,
): Promise<string | undefined> {
  const times = await awaitInvites(sandbox, submissions, log, QUIET_TIMEOUT_MS);
  const invited = times.applications.filter((a) => a.allMs !== undefined).length;
  if (invited < submissions.length)
    return `webhook-ack: ${invited}/${submissions.length} warm-up applications invited after ${QUIET_TIMEOUT_MS / 1000} s (service output: ${bench.logFile})`;
  return awaitQuietStack(bench, "the warm-up's invitations", log);
}

/**
 * Waits until ingest has no webhook waiting for its sync and no sync job to run (some start seconds later:
 * ENTRATA_REREAD_SPACING_MS), read from ingest's database, so the syncs a level queued are its own cost.
 */
async function awaitSyncsDone(bench: BenchStack, after: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: bench.stack.databaseUrls.ingest });
  await client.connect();
  try {
    const started = Date.now();
    for (;;) {
      const { rows } = await client.query<{ pending: number }>(
        `SELECT ((SELECT count(*) FROM entrata_webhooks WHERE sync_pending) +
                 (SELECT count(*) FROM pgboss.job
                   WHERE name = 'sync-application' AND state IN ('created', 'retry', 'active')))::int AS pending`,
      );
      if (rows[0]?.pending === 0) return undefined;
      if (Date.now() - started > QUIET_TIMEOUT_MS)
        return `webhook-ack: ${rows[0]?.pending} webhooks or syncs still pending ${QUIET_TIMEOUT_MS / 1000} s after ${after}`;
      await sleep(200);
    }
  } finally {
    await client.end();
  }
}

/**
 * Waits until the stack used less than QUIET_CPU_SHARE of one core over a second: what a level caused is done
 * before the next level, the reference's included, is measured.
 */
async function awaitQuietStack(
  bench: BenchStack,
  after: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const started = Date.now();
  const pids = bench.pids([...SERVICE_PROCESSES, 'sandbox']);
  for (;;) {
    const share = [...(await idleCpu(pids, 1000)).values()].reduce((sum, s) => sum + s, 0);
    if (share < QUIET_CPU_SHARE) {
      log(`stack quiet after ${after} (${(share * 100).toFixed(0)}% of one core)`);
      return undefined;
    }
    if (Date.now() - started > QUIET_TIMEOUT_MS)
      return `webhook-ack: the stack still used ${(share * 100).toFixed(0)}% of one core ${QUIET_TIMEOUT_MS / 1000} s after ${after}`;
  }
}

/** The body Entrata (the sandbox) sends, with a new event id. */
export function webhookBody(application: SubmittedApplication, org: string, eventId = randomUUID()): string {
  return JSON.stringify({
    event: 'application.submitted',
    eventId,
    occurredAt: new Date().toISOString(),
    org,
    propertyId: String(application.propertyId),
    applicationId: String(application.applicationId),
    leadId: String(application.applicationId),
  });
}

/**
 * Sends the bodies with `concurrency` requests in flight and times each from the request to the end of
 * the answer (signing happens before the clock starts: it is the sender's cost, not ingest's).
 */
export async function sendWebhooks(
  pool: Pool,
  target: WebhookTarget,
  bodies: readonly string[],
  concurrency: number,
  expectedStatus: number,
): Promise<LoadResult> {
  const path = `/webhooks/entrata/${encodeURIComponent(target.tenantId)}`;
  const latenciesMs: number[] = [];
  const errors = new Map<string, number>();
  const count = (key: string) => errors.set(key, (errors.get(key) ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const headers = {
        'content-type': 'application/json',
        'x-entrata-signature': signEntrataWebhook(target.secret, body, Math.floor(Date.now() / 1000)),
      };
      const started = performance.now();
      try {
        const response = await pool.request({ path, method: 'POST', headers, body });
        await response.body.text();
        latenciesMs.push(performance.now() - started);
        if (response.statusCode !== expectedStatus) count(`HTTP ${response.statusCode}`);
      } catch (error) {
        latenciesMs.push(performance.now() - started);
        count((error as Error).message);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  return {
    concurrency,
    requests: bodies.length,
    durationMs: performance.now() - started,
    latenciesMs,
    errors,
  };
}

/** New webhooks (fresh event ids) cycling through the applications. */
export const newBodies = (target: WebhookTarget, org: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) =>
    webhookBody(target.applications[i % target.applications.length] as SubmittedApplication, org),
  );

export const errorCount = (result: LoadResult): number =>
  [...result.errors.values()].reduce((sum, n) => sum + n, 0);

export function loadRow(label: string, result: LoadResult): string[] {
  const s = summarize(result.latenciesMs);
  return [
    label,
    String(result.requests),
    fixed(result.requests / (result.durationMs / 1000), 0),
    fixed(s.p50),
    fixed(s.p95),
    fixed(s.p99),
    fixed(s.max),
    String(errorCount(result)),
  ];
}

export const loadHeader = [
  'concurrency',
  'requests',
  'req/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'errors',
];

interface LevelResult {
  label: string;
  result: LoadResult;
  reference: LoadResult;
  /**
   * CPU seconds: ingest's web process during its level, its worker from the level's start until the stack was
   * quiet again (the syncs the level queued), the reference during its own level.
   */
  cpu: { web: number; worker: number; reference: number };
}

/** Milliseconds of CPU per request, level by level, ingest's web process beside the reference. */
export function cpuTable(levels: readonly LevelResult[]): string {
  const perRequest = (seconds: number, result: LoadResult) => (seconds * 1000) / result.requests;
  return table(
    ['concurrency', 'ingest web ms', 'ingest worker ms', 'ref ms', 'web x ref'],
    levels.map(({ label, result, reference, cpu }) => {
      const web = perRequest(cpu.web, result);
      const ref = perRequest(cpu.reference, reference);
      return [label, fixed(web, 2), fixed(perRequest(cpu.worker, result), 2), fixed(ref, 2), ratio(web, ref)];
    }),
  );
}

/** Ingest beside the bare reference server, level by level: req/s, p50 and p99 with their ratios. */
export function comparisonTable(
  rows: { label: string; ingest: LoadResult; reference: LoadResult }[],
): string {
  const cells = rows.map(({ label, ingest, reference }) => {
    const [i, r] = [summarize(ingest.latenciesMs), summarize(reference.latenciesMs)];
    const [iRate, rRate] = [ingest, reference].map((x) => x.requests / (x.durationMs / 1000)) as [
      number,
      number,
    ];
    return [
      label,
      fixed(iRate, 0),
      fixed(rRate, 0),
      ratio(rRate, iRate),
      fixed(i.p50),
      fixed(r.p50),
      ratio(i.p50, r.p50),
      fixed(i.p99),
      fixed(r.p99),
      ratio(i.p99, r.p99),
    ];
  });
  return table(
    [
      'concurrency',
      'ingest req/s',
      'ref req/s',
      'ref/ingest',
      'ingest p50',
      'ref p50',
      'x ref',
      'ingest p99',
      'ref p99',
      'x ref',
    ],
    cells,
  );
}

export async function webhookAckBench(
  options: { requests: number; portBase: number },
  log: (line: string) => void,
): Promise<BenchReport> {
  const bench = await startBenchStack('webhook-ack', options.portBase, log);
  const { stack } = bench;
  const connections = Math.max(...CONCURRENCY_LEVELS);
  const pool = new Pool(stack.urls.ingest, { connections });
  const secret = stack.secrets.DEMO_PM_WEBHOOK_SECRET;
  // The reference listens just below the stack's ports (N+1..N+6 and N+1000 are the stack's).
  const reference = await startReferenceWebhookServer(options.portBase + 900, secret ?? 'unused');
  const referencePool = new Pool(reference.url, { connections });
  try {
    const sandbox = new SandboxClient(stack.urls.sandbox, E2E_TENANT);
    if (!secret) throw new Error('config/sandbox.env has no DEMO_PM_WEBHOOK_SECRET');
    log(`submitting ${APPLICATIONS} applications to the sandbox's Entrata (no webhook)`);
    const submissions = await prepareApplications(sandbox);
    const target: WebhookTarget = {
      ingestUrl: stack.urls.ingest,
      tenantId: E2E_TENANT,
      secret,
      applications: submissions.map((s) => s.entrata),
    };
    const referenceTarget: WebhookTarget = { ...target, ingestUrl: reference.url };

    log(
      `idle for ${SETTLE_MS / 1000} s after start, then a warm-up of ${WARM_UP_REQUESTS} webhooks each (not counted)`,
    );
    await sleep(SETTLE_MS);
    const warmUp = await sendWebhooks(
      pool,
      target,
      newBodies(target, sandbox.org, WARM_UP_REQUESTS),
      10,
      202,
    );
    await sendWebhooks(
      referencePool,
      referenceTarget,
      newBodies(target, sandbox.org, WARM_UP_REQUESTS),
      10,
      202,
    );
    log("waiting for the warm-up's invitations and a quiet stack");
    const notQuiet = [await awaitWarmUp(bench, sandbox, submissions, log)];
    const results: LevelResult[] = [];
    const ingestPids = bench.pids(['ingest', 'ingest-worker']);
    const referencePid = new Map([['reference', reference.pid]]);
    // Ingest and the reference one level after the other, each on a quiet stack, so both see the same load.
    const level = async (label: string, bodies: string[], concurrency: number, status: number) => {
      const ingestCpu = cpuSince(ingestPids);
      const result = await sendWebhooks(pool, target, bodies, concurrency, status);
      const webUsed = ingestCpu().get('ingest') ?? 0;
      notQuiet.push(await awaitSyncsDone(bench, `ingest's level ${label}`));
      notQuiet.push(await awaitQuietStack(bench, `ingest's level ${label}`, log));
      const ingestUsed = new Map([...ingestCpu(), ['ingest', webUsed]]);
      const referenceCpu = cpuSince(referencePid);
      const ref = await sendWebhooks(referencePool, referenceTarget, bodies, concurrency, status);
      results.push({
        label,
        result,
        reference: ref,
        cpu: {
          web: ingestUsed.get('ingest') ?? 0,
          worker: ingestUsed.get('ingest-worker') ?? 0,
          reference: referenceCpu().get('reference') ?? 0,
        },
      });
    };
    const accepted: string[] = [];
    for (const concurrency of CONCURRENCY_LEVELS) {
      log(`concurrency ${concurrency}: ${options.requests} new webhooks to ingest, then to the reference`);
      const bodies = newBodies(target, sandbox.org, options.requests);
      await level(String(concurrency), bodies, concurrency, 202);
      if (concurrency === DUPLICATE_CONCURRENCY) accepted.push(...bodies);
    }
    log(
      `duplicates: ${accepted.length} deliveries of event ids already accepted, concurrency ${DUPLICATE_CONCURRENCY}`,
    );
    await level(`${DUPLICATE_CONCURRENCY} (dup)`, accepted, DUPLICATE_CONCURRENCY, 200);

    const failures = [
      ...notQuiet.filter((message) => message !== undefined),
      ...[warmUp, ...results.flatMap((r) => [r.result, r.reference])]
        .filter((r) => errorCount(r) > 0)
        .map(
          (r) =>
            `webhook-ack: ${errorCount(r)} error(s) at concurrency ${r.concurrency}: ${[...r.errors]
              .map(([what, n]) => `${n} × ${what}`)
              .join('; ')} (service output: ${bench.logFile})`,
        ),
    ];
    return {
      name: 'webhook-ack',
      text: [
        `POST ${stack.urls.ingest}/webhooks/entrata/${E2E_TENANT}, HMAC-signed, ${options.requests} per level` +
          ` (new event ids: 202 expected; "dup": an event id already accepted, 200 expected)`,
        table(
          loadHeader,
          results.map((r) => loadRow(r.label, r.result)),
        ),
        '',
        'beside the reference (e2e/bench/reference/webhook-server.ts: fastify + HMAC check + one pg insert,',
        'its own process and database), the same bodies and load tool, level by level in the same run; ms',
        comparisonTable(results.map((r) => ({ label: r.label, ingest: r.result, reference: r.reference }))),
        '',
        'CPU per request (user + system, /proc/<pid>/stat): the steadier figure on a busy machine. The worker',
        "column is ingest's worker process from the level's start until the stack is quiet (the syncs it queued)",
        cpuTable(results),
      ].join('\n'),
      failures,
    };
  } finally {
    await pool.close();
    await referencePool.close();
    await reference.stop();
    await bench.close();
  }
}
