/**
 * reminders: does the cost of firing reminders grow with the reminders due, or with all those pending?
 * A planned reminder waits in the reminder service's own `reminders` table; once a minute a tick queues
 * those due within minutes as `send-reminder` jobs (services/reminder/src/queue-reminders.ts), and the job
 * queue's worker fetches them at their due time. The bench migrates a fresh reminder database, fills it with
 * pending reminders due tomorrow in steps up to `--pending`, and at each step makes 100 reminders due now,
 * runs the service's own tick, then fetches the jobs as a worker does, timing both and printing each
 * reminder's lateness (fetched minus due).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '@autoverify/logger';
import { startJobQueue } from '@autoverify/service-kit';
import { migrateTestDatabase } from '@autoverify/testing';
import type { Tx } from '../../services/reminder/src/db.ts';
import { sendReminder } from '../../services/reminder/src/jobs.ts';
import { queueComingDue } from '../../services/reminder/src/queue-reminders.ts';
import { reminderService } from '../../services/reminder/src/service.ts';
import type { BenchReport } from './report.ts';
import { fixed, summarize, table } from './stats.ts';

const DUE = 100;
/** Rounds of DUE reminders made due at each step (more samples of the tick and the fetch). */
const ROUNDS = 5;
const BATCH = 100;
const INSERT_CHUNK = 100_000;

/** `count` scheduled reminders without a job, ids `<prefix><n>`, due `dueSql` (SQL) plus n x `spacingMs`. */
const insertReminders = (prefix: string, from: number, count: number, dueSql: string, spacingMs: number) =>
  `INSERT INTO reminders (id, tenant_id, application_id, applicant_id, kind, number, due_at, shifted_for_quiet_hours)
   SELECT '${prefix}' || g, 'bench', gen_random_uuid(), gen_random_uuid(), 'income', 1,
          ${dueSql} + g * interval '${spacingMs} ms', false
     FROM generate_series(${from}, ${from + count - 1}) AS g`;

export async function remindersBench(
  options: { pending: number },
  log: (line: string) => void,
): Promise<BenchReport> {
  const database = await migrateTestDatabase(join(import.meta.dirname, '..', '..', 'services', 'reminder'));
  const logger = createLogger({ service: 'bench', level: 'silent' });
  const queue = await startJobQueue({ connectionString: database.url, logger });
  const client = reminderService.database(database.url, {});
  // The two parts of the service's context the tick uses, on the service's own client and queue.
  const tick = {
    db: { client: client as unknown as Tx, run: <T>(fn: (tx: Tx) => Promise<T>) => client.$transaction(fn) },
    jobs: {
      send: (
        job: { name: string },
        data: object,
        o: { tx?: Tx; key?: string; startAfter?: Date | number } = {},
      ) =>
        queue.send(job.name, data, {
          ...(o.tx ? { tx: o.tx } : {}),
          ...(o.key ? { singletonKey: o.key } : {}),
          ...(o.startAfter === undefined ? {} : { startAfter: o.startAfter }),
        }),
      cancel: (job: { name: string }, id: string) => queue.cancel(job.name, id),
    },
  };
  try {
    await queue.createQueue(sendReminder.name);
    const steps = [...new Set([0, 10_000, 100_000, options.pending])].filter((n) => n <= options.pending);
    const rows: string[][] = [];
    let pending = 0;
    for (const target of steps) {
      while (pending < target) {
        const count = Math.min(INSERT_CHUNK, target - pending);
        await client.$executeRawUnsafe(insertReminders('p', pending, count, "now() + interval '1 day'", 10));
        pending += count;
        if (pending % 100_000 === 0) log(`${pending} pending reminders inserted`);
      }
      // Settled as a live table would be: no autovacuum of the fresh rows running beside the timed tick.
      await client.$executeRawUnsafe('VACUUM ANALYZE reminders');
      const tickMs: number[] = [];
      const fetchMs: number[] = [];
      const latenessMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const id = `d${target}-${round}-`;
        await client.$executeRawUnsafe(insertReminders(id, 0, DUE, 'now()', 0));
        const [due] = await client.$queryRawUnsafe<{ dueAt: Date }[]>(
          `SELECT min(due_at) AS "dueAt" FROM reminders WHERE id LIKE '${id}%'`,
        );
        const started = performance.now();
        const queued = await queueComingDue(tick as never);
        tickMs.push(performance.now() - started);
        if (queued !== DUE) throw new Error(`the tick queued ${queued} reminders, expected ${DUE}`);
        let fetched = 0;
        while (fetched < DUE) {
          const before = performance.now();
          const jobs = await queue.boss.fetch(sendReminder.name, { batchSize: BATCH });
          fetchMs.push(performance.now() - before);
          const now = Date.now();
          for (const _ of jobs) latenessMs.push(now - (due as { dueAt: Date }).dueAt.getTime());
          fetched += jobs.length;
          if (jobs.length > 0)
            await queue.boss.complete(
              sendReminder.name,
              jobs.map((j) => j.id),
            );
        }
        await client.$executeRawUnsafe(`UPDATE reminders SET status = 'sent' WHERE id LIKE '${id}%'`);
      }
      const t = summarize(tickMs);
      const f = summarize(fetchMs);
      const l = summarize(latenessMs);
      rows.push([
        String(target),
        String(DUE * ROUNDS),
        fixed(t.p50, 1),
        fixed(t.max, 1),
        fixed(f.p50, 1),
        fixed(f.max, 1),
        fixed(l.p50, 0),
        fixed(l.max, 0),
      ]);
      log(`${target} pending: tick p50 ${fixed(t.p50)} ms, fetch p50 ${fixed(f.p50)} ms`);
    }
    const plan = await client.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT id, due_at FROM reminders
        WHERE status = 'scheduled' AND job_id IS NULL AND due_at <= now() + interval '5 minutes'
        ORDER BY due_at LIMIT 500`,
    );
    return {
      name: 'reminders',
      text: [
        `${ROUNDS} x ${DUE} reminders made due beside N pending ones due tomorrow: the tick (queues what is due ` +
          `within 5 min as ${sendReminder.name} jobs), then the worker's fetch (${BATCH} at a time); ms`,
        table(
          [
            'pending',
            'due',
            'tick p50',
            'tick max',
            'fetch p50',
            'fetch max',
            'lateness p50',
            'lateness max',
          ],
          rows,
        ),
        `plan of the tick's scan at ${pending} pending, none due:`,
        ...plan.map((line) => `  ${line['QUERY PLAN']}`),
        'lateness is from the due time to the fetch, with the tick run first; in the service a reminder is ' +
          'queued minutes ahead and its worker woken at the due time (wakeWhenDue), so the tick is not on that path',
      ].join('\n'),
      failures: [],
    };
  } finally {
    await client.$disconnect();
    await queue.stop({ timeoutMs: 2000 });
    await database.drop();
  }
}
