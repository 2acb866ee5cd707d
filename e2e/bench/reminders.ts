/**
 * reminders: does the cost of firing reminders grow with the reminders due, or with all those pending?
 * Each reminder is a job of the reminder service's `send-reminder` queue, enqueued with startAfter = its
 * due time (services/reminder/src/jobs.ts), so "the scheduler tick" is the job queue's fetch. The bench
 * fills a fresh database's queue (service-kit's startJobQueue, the services' own settings) with pending
 * reminders due tomorrow, in steps up to `--pending`, and at each step makes 100 reminders due now and
 * times the fetches that take them, printing each one's lateness (fetched minus due).
 */
import { performance } from 'node:perf_hooks';
import { createLogger } from '@autoverify/logger';
import { startJobQueue } from '@autoverify/service-kit';
import { createTestDatabase } from '@autoverify/testing';
import type { BenchReport } from './report.ts';
import { fixed, summarize, table } from './stats.ts';

const QUEUE = 'send-reminder';
const DUE = 100;
/** Rounds of DUE reminders made due at each step (more samples of the fetch). */
const ROUNDS = 5;
const BATCH = 100;
const INSERT_CHUNK = 5000;
const DAY_MS = 86_400_000;

export async function remindersBench(
  options: { pending: number },
  log: (line: string) => void,
): Promise<BenchReport> {
  const database = await createTestDatabase('bench_reminders');
  const logger = createLogger({ service: 'bench', level: 'silent' });
  const queue = await startJobQueue({ connectionString: database.url, logger });
  try {
    await queue.createQueue(QUEUE);
    const steps = [...new Set([0, 10_000, 100_000, options.pending])].filter((n) => n <= options.pending);
    const rows: string[][] = [];
    let pending = 0;
    for (const target of steps) {
      while (pending < target) {
        const count = Math.min(INSERT_CHUNK, target - pending);
        const tomorrow = Date.now() + DAY_MS;
        await queue.boss.insert(
          QUEUE,
          Array.from({ length: count }, (_, i) => ({
            data: { reminderId: `p${pending + i}` },
            startAfter: new Date(tomorrow + (pending + i) * 10),
            singletonKey: `p${pending + i}`,
          })),
        );
        pending += count;
        if (pending % 100_000 === 0) log(`${pending} pending reminders inserted`);
      }
      const fetchMs: number[] = [];
      const latenessMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const dueAt = new Date();
        await queue.boss.insert(
          QUEUE,
          Array.from({ length: DUE }, (_, i) => ({
            data: { reminderId: `d${target}-${round}-${i}` },
            startAfter: dueAt,
            singletonKey: `d${target}-${round}-${i}`,
          })),
        );
        let fetched = 0;
        while (fetched < DUE) {
          const started = performance.now();
          const jobs = await queue.boss.fetch(QUEUE, { batchSize: BATCH });
          fetchMs.push(performance.now() - started);
          const now = Date.now();
          for (const _ of jobs) latenessMs.push(now - dueAt.getTime());
          fetched += jobs.length;
          if (jobs.length > 0)
            await queue.boss.complete(
              QUEUE,
              jobs.map((j) => j.id),
            );
        }
      }
      const f = summarize(fetchMs);
      const l = summarize(latenessMs);
      rows.push([
        String(target),
        String(DUE * ROUNDS),
        String(fetchMs.length),
        fixed(f.p50, 1),
        fixed(f.max, 1),
        fixed(l.p50, 0),
        fixed(l.max, 0),
      ]);
      log(`${target} pending: fetch p50 ${fixed(f.p50)} ms`);
    }
    const plan = (
      await queue.boss
        .getDb()
        .executeSql(
          `EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM pgboss.job WHERE name = $1 AND state < 'active' AND NOT blocked AND start_after <= now() ORDER BY priority DESC, created_on, id LIMIT ${BATCH}`,
          [QUEUE],
        )
    ).rows as { 'QUERY PLAN': string }[];
    return {
      name: 'reminders',
      text: [
        `${ROUNDS} x ${DUE} reminders made due beside N pending ones due tomorrow (queue ${QUEUE}, fetched ${BATCH} at a time as a worker does); ms`,
        table(['pending', 'due', 'fetches', 'fetch p50', 'fetch max', 'lateness p50', 'lateness max'], rows),
        `plan of the fetch's scan (its WHERE and ORDER BY) at ${pending} pending, none due:`,
        ...plan.map((line) => `  ${line['QUERY PLAN']}`),
        'lateness here is the fetch alone; an idle worker adds at most its safety poll (10 s) for a reminder',
        'due more than an hour after it was sent (sooner ones wake the worker at their due time)',
      ].join('\n'),
      failures: [],
    };
  } finally {
    await queue.stop({ timeoutMs: 2000 });
    await database.drop();
  }
}
