import { readFileSync } from 'node:fs';

/** One sample of a Prometheus text scrape. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A Prometheus text exposition, by metric name (histograms as their _bucket/_sum/_count series). */
export function parseScrape(text: string): Map<string, Sample[]> {
  const metrics = new Map<string, Sample[]>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key as string] = value as string;
    const samples = metrics.get(match[1] as string) ?? [];
    samples.push({ labels, value: Number(match[3]) });
    metrics.set(match[1] as string, samples);
  }
  return metrics;
}

const repoRoot = new URL('../../../', import.meta.url);
/** The files whose queries name metrics: the Grafana dashboard and the Prometheus alert rules. */
export const observabilityFiles = [
  'infra/observability/grafana/autoverify-dashboard.json',
  'infra/observability/prometheus/alerts.yaml',
];

/** Every metric name a dashboard panel or an alert rule queries (as scraped: `_total`, `_bucket`, ...). */
export function referencedMetricNames(): string[] {
  const names = new Set<string>();
  for (const file of observabilityFiles) {
    const text = readFileSync(new URL(file, repoRoot), 'utf8');
    for (const [name] of text.matchAll(/\b(?:autoverify|http_server)_[a-z0-9_]+\b/g)) names.add(name);
  }
  return [...names].sort();
}

/**
 * Which service's integration test proves each referenced metric with a real scrape: the generic ones
 * (service-kit and messaging, the same code in every service) with reminder's, the rest where they are
 * recorded. A panel or rule with a name no prefix claims fails infra/observability's test.
 */
export const metricOwners: Record<string, readonly string[]> = {
  reminder: [
    'http_server_',
    'autoverify_http_',
    'autoverify_consumer_',
    'autoverify_outbox_',
    'autoverify_jobs_',
    'autoverify_reminders_',
  ],
  notify: ['autoverify_notifications_'],
  // ingest records the same gauges (the Entrata client's); report-sync's test calls Entrata in every flow.
  'report-sync': ['autoverify_reports_', 'autoverify_entrata_'],
  invite: ['autoverify_invites_'],
};

/** The referenced metrics `owner` must expose that are missing from its scrape. */
export function missingReferencedMetrics(scrape: Map<string, Sample[]>, owner: string): string[] {
  const prefixes = metricOwners[owner] ?? [];
  return referencedMetricNames().filter(
    (name) => prefixes.some((prefix) => name.startsWith(prefix)) && !scrape.has(name),
  );
}

/** GET /metrics of a service under test, parsed. */
export async function scrapeMetrics(app: {
  inject(request: { method: 'GET'; url: string }): Promise<{ statusCode: number; body: string }>;
}): Promise<Map<string, Sample[]>> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  if (response.statusCode !== 200) throw new Error(`GET /metrics answered ${response.statusCode}`);
  return parseScrape(response.body);
}
