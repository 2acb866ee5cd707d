/**
 * sustained: the highest application rate the stack keeps up with. Steps of rising rate, each
 * STEP_SECONDS long (the invite-latency workload: real applications through the sandbox's Entrata, which
 * fires the webhooks). A step is sustained when every application of it is fully invited (every email
 * and SMS handed to the sandbox's SMTP/SMS) within SLO_MS of its submission: the lag stayed bounded.
 * Each step starts once the previous one has drained; the first step that is not sustained ends the
 * run, and its per-hop table (hops.ts) shows where the time went.
 */
import type { TenantsFile } from '@autoverify/contracts';
import { SandboxClient } from '../src/sandbox-client.ts';
import { E2E_TENANT } from '../src/tenants.ts';
import { startBenchStack } from './bench-stack.ts';
import { hopTable, hopTimes, readHopRows } from './hops.ts';
import { awaitInvites, describeInvites, submitSteadily } from './invite-latency.ts';
import { kafkaRoundTrips } from './references.ts';
import type { BenchReport } from './report.ts';
import { fixed, summarize, table } from './stats.ts';

const STEPS = [1, 2, 5, 10, 15, 20];
const STEP_SECONDS = 20;
const SLO_MS = 5000;
/** A step that is not sustained gets this long after its last submission to drain, for its hop table. */
const DRAIN_MS = 120_000;
/**
 * Entrata reads per minute the bench's customer may make. The example customer's 120/min caps ingest at
 * about 2 applications/s by design (it is the customer's contract with Entrata, not our code); the bench
 * measures the stack behind it, as for a customer with a larger allowance.
 */
const ENTRATA_PER_MINUTE = 6000;

const largerEntrataAllowance = (file: TenantsFile): TenantsFile => ({
  ...file,
  tenants: file.tenants.map((t) => ({
    ...t,
    entrata: { ...t.entrata, requestsPerMinute: ENTRATA_PER_MINUTE },
  })),
});

export async function sustainedBench(
  options: { portBase: number },
  log: (line: string) => void,
): Promise<BenchReport> {
  const bench = await startBenchStack('sustained', options.portBase, log, largerEntrataAllowance);
  try {
    const sandbox = new SandboxClient(bench.stack.urls.sandbox, E2E_TENANT);
    const rows: string[][] = [];
    const failures: string[] = [];
    let best = 0;
    let bottleneck = '';
    for (const rate of STEPS) {
      const since = new Date();
      const count = rate * STEP_SECONDS;
      log(`step ${rate}/s: submitting ${count} applications`);
      const { submissions, errors } = await submitSteadily(sandbox, count, rate);
      failures.push(...errors.map((e) => `sustained ${rate}/s: submission failed: ${e}`));
      const times = await awaitInvites(sandbox, submissions, log, DRAIN_MS);
      const ms = times.applications.map((a) => a.allMs ?? Number.POSITIVE_INFINITY);
      const all = summarize(ms.filter(Number.isFinite));
      // Bounded lag: the step's last quarter is no later than its first (a growing queue shows here).
      const quarter = Math.max(1, Math.floor(ms.length / 4));
      const first = summarize(ms.slice(0, quarter)).p50;
      const last = summarize(ms.slice(-quarter)).p50;
      const late = ms.filter((m) => m > SLO_MS).length;
      const sustained = late === 0 && errors.length === 0;
      rows.push([
        String(rate),
        String(count),
        String(all.count),
        fixed(all.p50 / 1000, 2),
        fixed(all.p95 / 1000, 2),
        fixed(all.max / 1000, 2),
        `${fixed(first / 1000, 2)} -> ${Number.isFinite(last) ? fixed(last / 1000, 2) : 'missing'}`,
        String(late),
        sustained ? 'yes' : 'no',
      ]);
      log(`step ${rate}/s: ${sustained ? 'sustained' : `not sustained (${late} late)`}`);
      if (!sustained) {
        const hops = hopTimes(await readHopRows(bench.stack.databaseUrls, since));
        const slowest = [...hops].sort(([, a], [, b]) => summarize(b.ms).p95 - summarize(a.ms).p95)[0];
        bottleneck =
          `bottleneck at ${rate}/s: the hop with the highest p95 is "${slowest?.[0] ?? 'none'}"\n` +
          `${describeInvites(times, rate).text}\n\nper hop at ${rate}/s\n` +
          hopTable(hops, await kafkaRoundTrips(bench.stack.brokers, 100));
        break;
      }
      best = rate;
    }
    return {
      name: 'sustained',
      text: [
        `steps of ${STEP_SECONDS} s at rising rates (applications/s; invite-latency's mix, ~9 invitations each); ` +
          `sustained = every application fully invited within ${SLO_MS / 1000} s; seconds from submission`,
        table(
          [
            'rate/s',
            'submitted',
            'invited',
            'p50 s',
            'p95 s',
            'max s',
            'p50 first -> last quarter',
            'late',
            'sustained',
          ],
          rows,
        ),
        `highest sustained: ${best} applications/s`,
        bottleneck,
      ].join('\n'),
      failures,
    };
  } finally {
    await bench.close();
  }
}
