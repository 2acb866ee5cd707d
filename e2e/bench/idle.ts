/**
 * idle: what each process of a stack costs while nothing happens, beside a bare Node process measured over
 * the same window: CPU time (user + system, /proc/<pid>/stat) over `--idle-seconds`, and resident memory
 * (VmRSS) at the end. Idle CPU is polling: an outbox relay or job worker that asks the database every
 * fraction of a second shows here, one woken by LISTEN/NOTIFY does not.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_PROCESSES, startBenchStack } from './bench-stack.ts';
import { readMemory } from './process-memory.ts';
import { idleCpu, ratio, startBareNode } from './references.ts';
import type { BenchReport } from './report.ts';
import { fixed, table } from './stats.ts';

const PROCESSES = SERVICE_PROCESSES;
/** Start-up work (consumer group joins, first polls, JIT) done before the window opens. */
const SETTLE_MS = 15_000;
const BARE = 'bare node (reference)';

export async function idleBench(
  options: { idleSeconds: number; portBase: number },
  log: (line: string) => void,
): Promise<BenchReport> {
  const bench = await startBenchStack('idle', options.portBase, log);
  const bare = await startBareNode();
  try {
    const pids = new Map<string, number>([...bench.pids(PROCESSES), [BARE, bare.pid]]);
    log(`settling for ${SETTLE_MS / 1000} s, then measuring ${options.idleSeconds} s of idle`);
    await sleep(SETTLE_MS);
    const cpu = await idleCpu(pids, options.idleSeconds * 1000);
    const rss = new Map([...pids].map(([name, pid]) => [name, readMemory(pid).rssMb]));
    const bareCpu = cpu.get(BARE) as number;
    const bareRss = rss.get(BARE) as number;
    const rows = [...pids.keys()].map((name) => {
      const seconds = cpu.get(name) as number;
      return [
        name,
        fixed((seconds / options.idleSeconds) * 100, 2),
        fixed(seconds * 1000, 0),
        fixed(rss.get(name) as number, 0),
        name === BARE ? '' : ratio(rss.get(name) as number, bareRss),
      ];
    });
    const total = [...PROCESSES].reduce((sum, name) => sum + (cpu.get(name) as number), 0);
    return {
      name: 'idle',
      text: [
        `${options.idleSeconds} s idle, ${SETTLE_MS / 1000} s after start; CPU from /proc/<pid>/stat (user + system), ` +
          'RSS = VmRSS at the end',
        table(['process', 'CPU %', 'CPU ms', 'RSS MB', 'RSS x bare'], rows),
        `stack total (${PROCESSES.length} processes: the services, ingest as web + worker, support): ${fixed(total * 1000, 0)} ms CPU in ${options.idleSeconds} s = ` +
          `${fixed((total / options.idleSeconds) * 100, 2)}% of one core (bare node: ${fixed(bareCpu * 1000, 0)} ms)`,
      ].join('\n'),
      failures: [],
    };
  } finally {
    await bare.stop();
    await bench.close();
  }
}
