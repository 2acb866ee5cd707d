// Prometheus scraping for the prod overlay: one prometheus-operator PodMonitor for every application's pods.
import { apps, SCRAPE_INTERVAL, workloadsOf } from './apps.ts';

const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * Pods rather than Services: every replica has its own numbers (a Service would hand each scrape to any
 * one pod, and Prometheus keeps them apart only through the endpoints it discovers either way). The `job`
 * label is the Deployment's name (`jobLabel`: the application's, or `ingest-worker` beside `ingest` for a
 * split one), which the dashboard and the alert rules group by. Migration
 * Jobs carry the same name label but no `http` port, so they are never scraped.
 */
export function podMonitor(): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: 'autoverify', labels: { 'app.kubernetes.io/part-of': 'autoverify' } },
    spec: {
      jobLabel: NAME_LABEL,
      selector: {
        matchExpressions: [
          { key: NAME_LABEL, operator: 'In', values: apps.flatMap(workloadsOf).map((w) => w.name) },
        ],
      },
      podMetricsEndpoints: [{ port: 'http', path: '/metrics', interval: SCRAPE_INTERVAL }],
    },
  };
}
