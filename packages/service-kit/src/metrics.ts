/**
 * The metrics every service has without writing a line: HTTP requests by route and status, rejections by
 * reason, job runs and the job queue's backlog. Messaging adds the consumer's and the outbox's (consumer.ts,
 * messaging's metrics.ts). The Prometheus exporter turns dots into underscores and adds `_total` to counters,
 * not units: our own names carry `_seconds` themselves; http.server.request.duration (OpenTelemetry's name,
 * in seconds) is scraped as `http_server_request_duration`.
 */
import { isHousekeeping, type Meter, type ServiceMetrics } from '@autoverify/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpServer } from './http.ts';
import type { JobQueue } from './jobs.ts';
import { problemReason } from './problem.ts';

/** Records every request (but probes and scrapes) and serves `GET /metrics` when metrics are on. */
export function instrumentHttp(app: HttpServer, metrics: ServiceMetrics): void {
  const duration = metrics.meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'HTTP requests received, by route, method and status',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  });
  const rejections = metrics.meter.createCounter('autoverify.http.rejections', {
    description: 'HTTP requests answered 4xx/5xx, by route, status and reason (the problem type)',
  });
  const record = (request: FastifyRequest, reply: FastifyReply) => {
    // Unmatched URLs share one label: a scanner's paths must not become series.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    duration.record(reply.elapsedTime / 1000, {
      'http.route': route,
      'http.request.method': request.method,
      'http.response.status_code': status,
    });
    if (status >= 400)
      rejections.add(1, {
        'http.route': route,
        'http.response.status_code': status,
        reason: problemReason(reply.raw) ?? 'other',
      });
  };
  // A callback, as http.ts's per-request hooks: nothing here waits.
  app.addHook('onResponse', (request, reply, done) => {
    if (!isHousekeeping(request.url)) record(request, reply);
    done();
  });
  const scrape = metrics.scrape;
  if (!scrape) return;
  app.get('/metrics', { logLevel: 'silent' }, (request, reply) => {
    reply.hijack();
    scrape(request.raw, reply.raw);
  });
}

/** Job runs by queue and outcome; a failed run is retried until its definition's limit. */
export function jobRunCounter(meter: Meter) {
  return meter.createCounter('autoverify.jobs.runs', {
    description: 'Job runs finished, by queue and outcome (completed, failed)',
  });
}

/**
 * The job queue's backlog per queue, read from pg-boss's table when Prometheus scrapes: jobs ready to run
 * (waiting for a worker), jobs deferred to a later time (reminders due tomorrow: not a backlog), and how long
 * the oldest ready job has waited past its start time.
 */
export function observeJobQueue(meter: Meter, queue: JobQueue, schema = 'pgboss'): void {
  const queued = meter.createObservableGauge('autoverify.jobs.queued', {
    description: 'Jobs waiting in the queue, by queue and state (ready, deferred)',
  });
  const oldest = meter.createObservableGauge('autoverify.jobs.oldest_ready_age_seconds', {
    unit: 's',
    description: 'How long the oldest ready job of each queue has waited for a worker',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      const { rows } = await queue.boss.getDb().executeSql(
        // Every queue, also the empty ones: a series that vanishes at zero cannot be alerted on.
        `SELECT q.name,
                count(j.id) FILTER (WHERE j.start_after <= now())::int AS ready,
                count(j.id) FILTER (WHERE j.start_after > now())::int AS deferred,
                COALESCE(EXTRACT(EPOCH FROM now() - min(j.start_after) FILTER (WHERE j.start_after <= now())), 0)::float8 AS age
           FROM ${schema}.queue q
           LEFT JOIN ${schema}.job j ON j.name = q.name AND j.state IN ('created', 'retry')
          WHERE q.name NOT LIKE '__pgboss__%'
          GROUP BY q.name`,
      );
      for (const row of rows as { name: string; ready: number; deferred: number; age: number }[]) {
        result.observe(queued, row.ready, { queue: row.name, state: 'ready' });
        result.observe(queued, row.deferred, { queue: row.name, state: 'deferred' });
        result.observe(oldest, row.age, { queue: row.name });
      }
    },
    [queued, oldest],
  );
}
