/**
 * memory: resident memory of each process of a stack, idle after start, at its peak under load, and after
 * the load. The load is the invite-latency workload followed by a burst of webhooks at the highest
 * webhook-ack concurrency (in that order: the burst's Entrata re-reads would otherwise queue ahead of the
 * applications' first reads, within the customer's Entrata rate limit).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { SandboxClient } from '../src/sandbox-client.ts';
import { E2E_TENANT } from '../src/tenants.ts';
import { SERVICE_PROCESSES, startBenchStack } from './bench-stack.ts';
import { describeInvites, INVITE_TIMEOUT_MS, inviteLoad } from './invite-latency.ts';
import { type ProcessMemory, readMemory, resetPeak } from './process-memory.ts';
import { ratio, startBareNode } from './references.ts';
import type { BenchReport } from './report.ts';
import { fixed, table } from './stats.ts';
import {
  CONCURRENCY_LEVELS,
  errorCount,
  loadHeader,
  loadRow,
  newBodies,
  prepareApplications,
  sendWebhooks,
} from './webhook-ack.ts';

const PROCESSES = [...SERVICE_PROCESSES, 'sandbox'] as const;
type ProcessName = (typeof PROCESSES)[number];
/** Time for start-up work (first polls, pools, JIT) to finish before "idle" and after the load. */
const SETTLE_MS = 15_000;
const SAMPLE_MS = 500;

export async function memoryBench(
  options: { applications: number; rate: number; requests: number; portBase: number },
  log: (line: string) => void,
): Promise<BenchReport> {
  const bench = await startBenchStack('memory', options.portBase, log);
  const { stack } = bench;
  const pool = new Pool(stack.urls.ingest, { connections: Math.max(...CONCURRENCY_LEVELS) });
  // The floor every Node process starts from, read at the same moments as the stack's processes.
  const bare = await startBareNode();
  try {
    const pids = bench.pids(PROCESSES);
    const readAll = () => new Map([...pids].map(([name, pid]) => [name, readMemory(pid)] as const));

    log(`idle for ${SETTLE_MS / 1000} s after start`);
    await sleep(SETTLE_MS);
    const idle = readAll();
    const bareIdle = readMemory(bare.pid).rssMb;
    const peakReset = [...pids.values()].map(resetPeak).every(Boolean);
    const sampledPeak = new Map<ProcessName, number>();
    const sampler = setInterval(() => {
      for (const [name, memory] of readAll())
        sampledPeak.set(name, Math.max(sampledPeak.get(name) ?? 0, memory.rssMb));
    }, SAMPLE_MS);

    let loadText: string[];
    const failures: string[] = [];
    try {
      const sandbox = new SandboxClient(stack.urls.sandbox, E2E_TENANT);
      const invites = await inviteLoad(sandbox, options, log);
      const { text, missing } = describeInvites(invites.times, options.rate);
      failures.push(...invites.submitErrors.map((e) => `memory: submission failed: ${e}`));
      if (missing.length > 0)
        failures.push(
          `memory: ${missing.length} applicant(s) still missing invitations ${INVITE_TIMEOUT_MS / 1000} s after ` +
            `the last submission (service output: ${bench.logFile})`,
        );

      const concurrency = Math.max(...CONCURRENCY_LEVELS);
      log(`webhook burst: ${options.requests} webhooks at concurrency ${concurrency}`);
      const secret = stack.secrets.DEMO_PM_WEBHOOK_SECRET ?? '';
      const target = {
        ingestUrl: stack.urls.ingest,
        tenantId: E2E_TENANT,
        secret,
        applications: (await prepareApplications(sandbox)).map((s) => s.entrata),
      };
      const burst = await sendWebhooks(
        pool,
        target,
        newBodies(target, sandbox.org, options.requests),
        concurrency,
        202,
      );
      if (errorCount(burst) > 0)
        failures.push(
          `memory: ${errorCount(burst)} webhook error(s) in the burst (service output: ${bench.logFile})`,
        );
      loadText = [
        'load: invite-latency workload',
        text,
        'then a webhook burst',
        table(loadHeader, [loadRow(String(concurrency), burst)]),
      ];
    } finally {
      clearInterval(sampler);
    }
    const underLoad = readAll();
    log(`load done; settling for ${SETTLE_MS / 1000} s`);
    await sleep(SETTLE_MS);
    const after = readAll();

    const mb = (m: ProcessMemory | undefined, field: keyof ProcessMemory) =>
      fixed(m?.[field] ?? Number.NaN, 0);
    const rows = PROCESSES.map((name) => [
      name === 'sandbox' ? 'sandbox (the fakes, not a service)' : name,
      mb(idle.get(name), 'rssMb'),
      ratio(idle.get(name)?.rssMb ?? Number.NaN, bareIdle),
      peakReset ? mb(underLoad.get(name), 'hwmMb') : '-',
      fixed(sampledPeak.get(name) ?? Number.NaN, 0),
      mb(after.get(name), 'rssMb'),
    ]);
    return {
      name: 'memory',
      text: [
        `resident memory (MiB) from /proc/<pid>/status; idle = VmRSS ${SETTLE_MS / 1000} s after start, ` +
          `peak = VmHWM over the load${peakReset ? ' (reset through clear_refs when the load began)' : ' (could not be reset: not shown)'}, ` +
          `sampled = highest VmRSS read every ${SAMPLE_MS} ms, after = VmRSS ${SETTLE_MS / 1000} s after the load`,
        table(
          ['process', 'idle MB', 'x bare', 'peak MB', 'sampled MB', 'after MB'],
          [...rows, ['bare node (reference)', fixed(bareIdle, 0), '', '', '', '']],
        ),
        '',
        ...loadText,
      ].join('\n'),
      failures,
    };
  } finally {
    await pool.close();
    await bare.stop();
    await bench.close();
  }
}
