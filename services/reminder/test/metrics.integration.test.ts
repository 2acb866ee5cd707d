// /metrics of a real service: reminder against real Kafka and PostgreSQL, after it has done some work.
// The generic metrics (HTTP, consumer, outbox, job queue) come from service-kit and messaging, so every
// service has them; the reminder ones are its own.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { InviteSent } from '@autoverify/contracts';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest } from '@autoverify/service-testing';
import {
  missingReferencedMetrics,
  scrapeMetrics,
  testTenant,
  testTenantsFile,
  waitFor,
} from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../src/db.ts';
import { reminderService } from '../src/service.ts';

const TENANT = 'acme-pm';

/** A fixed-offset zone where it is about noon now: quiet hours never defer the reminder. */
function zoneAtNoon(now = new Date()): string {
  let offset = (12 - now.getUTCHours() + 48) % 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
let h: ServiceUnderTest<RunningService<Tx>>;

beforeAll(async () => {
  h = await startServiceUnderTest(reminderService, {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    tenants: testTenantsFile(
      testTenant(TENANT, {
        defaults: { timeZone: zoneAtNoon() },
        // The first reminder 1.8 s after the invite (it fires), the second an hour later (it stays pending).
        properties: { p1: { reminders: { firstAfterHours: 0.0005, intervalHours: 1, maxCount: 2 } } },
      }),
    ),
    listen: false,
  });
});
afterAll(async () => {
  await h?.stop();
});

const scrape = () => scrapeMetrics(h.service.app);

describe('GET /metrics', () => {
  it('exposes HTTP, consumer, outbox, job queue and reminder metrics with values', async () => {
    const applicationId = randomUUID();
    const applicantId = randomUUID();
    await h.publish(
      InviteSent,
      {
        applicationId,
        applicantId,
        propertyId: 'p1',
        kind: 'income',
        channels: ['email'],
        notificationIds: [`invite:${applicantId}:income:email`],
        link: `https://verify.example.com/v/${applicantId}`,
        expiresAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
        resend: false,
      },
      { tenantId: TENANT, correlationId: applicationId },
    );
    // A rejected request: counted by route and reason.
    expect((await h.service.app.inject({ method: 'GET', url: '/no-such-route' })).statusCode).toBe(404);

    const metrics = await waitFor(
      async () => {
        const m = await scrape();
        return (m.get('autoverify_reminders_fired_total') ?? []).some((s) => s.value > 0) ? m : undefined;
      },
      { message: 'a fired reminder in /metrics' },
    );
    const value = (name: string, labels: Record<string, string> = {}) =>
      (metrics.get(name) ?? [])
        .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0);
    const has = (name: string) => expect(metrics.get(name), name).toBeDefined();

    expect(value('http_server_request_duration_count', { http_route: 'unmatched' })).toBe(1);
    expect(value('autoverify_http_rejections_total', { reason: 'not-found' })).toBe(1);
    expect(value('autoverify_consumer_events_total', { consumer: 'reminder', outcome: 'processed' })).toBe(1);
    expect(value('autoverify_consumer_event_age_seconds_count', { event_type: 'InviteSent' })).toBe(1);
    has('autoverify_consumer_failures_total');
    has('autoverify_consumer_dead_lettered_total');
    has('autoverify_consumer_lag');
    has('autoverify_outbox_backlog');
    has('autoverify_outbox_oldest_age_seconds');
    has('autoverify_outbox_failed');
    expect(value('autoverify_jobs_runs_total', { queue: 'send-reminder', outcome: 'completed' })).toBe(1);
    has('autoverify_jobs_queued');
    has('autoverify_jobs_oldest_ready_age_seconds');
    expect(value('autoverify_reminders_pending')).toBeGreaterThan(0);
    expect(value('autoverify_reminders_fired_total')).toBeGreaterThan(0);
    // The generic and reminder metrics the dashboard and the alert rules query (infra/observability).
    expect(missingReferencedMetrics(metrics, 'reminder')).toEqual([]);
    // Resource attributes, as Prometheus sees them.
    expect(metrics.get('target_info')?.[0]?.labels).toMatchObject({
      service_name: 'reminder',
      service_version: 'dev',
    });
  });
});
