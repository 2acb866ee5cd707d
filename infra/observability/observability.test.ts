// The dashboard and the alert rules are well-formed, and every metric they query is claimed by a service
// whose integration test finds it in a real scrape (packages/testing metricOwners; the tests call
// missingReferencedMetrics). docker-compose.yml mounts these files into the LGTM stack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricOwners, referencedMetricNames } from '@autoverify/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dir = import.meta.dirname;
const dashboard = JSON.parse(readFileSync(join(dir, 'grafana/autoverify-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: { type: string; title: string; targets?: { expr: string; datasource: { uid: string } }[] }[];
};
const alerts = parse(readFileSync(join(dir, 'prometheus/alerts.yaml'), 'utf8')) as {
  groups: { rules: { alert: string; expr: string; annotations: { runbook: string } }[] }[];
};
const operations = readFileSync(join(dir, '../../docs/operations.md'), 'utf8');

describe('infra/observability', () => {
  it('has a dashboard whose every graph queries the provisioned Prometheus', () => {
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(10);
    for (const panel of graphs) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe('prometheus');
    }
  });

  it('has alert rules for lag, dead letters, the outbox, sync failures and invite latency, each documented', () => {
    const rules = alerts.groups.flatMap((g) => g.rules);
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const metric of [
      'autoverify_consumer_lag',
      'autoverify_consumer_dead_lettered_total',
      'autoverify_outbox_oldest_age_seconds',
      'autoverify_reports_syncs_total',
      'autoverify_invites_latency_seconds_bucket',
    ])
      expect(exprs).toContain(metric);
    for (const rule of rules) {
      const anchor = rule.annotations.runbook.split('#')[1] ?? '';
      expect(operations.toLowerCase(), `docs/operations.md section for ${rule.alert}`).toContain(
        `#### ${anchor}`,
      );
    }
  });

  it('queries only metrics a service test proves with a real scrape', () => {
    const prefixes = Object.values(metricOwners).flat();
    const unclaimed = referencedMetricNames().filter((name) => !prefixes.some((p) => name.startsWith(p)));
    expect(unclaimed).toEqual([]);
    expect(referencedMetricNames().length).toBeGreaterThan(15);
  });
});
