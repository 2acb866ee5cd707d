// One trace per application, through a real service: spans exported in-process (in-memory exporter behind
// the real SDK) while reminder consumes from real Kafka and runs its jobs on real PostgreSQL.
// The webhook spans are made here the way ingest's request spans are: what ingest itself must do is
// store the first event's trace context with the application and use continueTrace for later webhooks.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { InviteSent, NotificationRequested, topics } from '@autoverify/contracts';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest } from '@autoverify/service-testing';
import { continueTrace, SpanKind, type TraceCarrier, tracer } from '@autoverify/telemetry';
import { testTenant, testTenantsFile, waitFor } from '@autoverify/testing';
import { startTestTracing, type TestTracing, traceIdOf } from '@autoverify/testing/tracing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../src/db.ts';
import { reminderService } from '../src/service.ts';

const TENANT = 'acme-pm';
let tracing: TestTracing;
let h: ServiceUnderTest<RunningService<Tx>>;

/** A fixed-offset zone where it is about noon now: quiet hours never defer the reminder. */
function zoneAtNoon(now = new Date()): string {
  let offset = (12 - now.getUTCHours() + 48) % 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

beforeAll(async () => {
  tracing = await startTestTracing();
  h = await startServiceUnderTest(reminderService, {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    tenants: testTenantsFile(
      testTenant(TENANT, {
        defaults: { timeZone: zoneAtNoon() },
        properties: { p1: { reminders: { firstAfterHours: 0.0005, intervalHours: 1, maxCount: 1 } } },
      }),
    ),
    listen: false,
  });
});
afterAll(async () => {
  await h?.stop();
  await tracing?.stop();
});

/** What invite publishes for one applicant: the invitation's NotificationRequested (reminder learns the
 * contact from it), then InviteSent. */
async function invite(applicationId: string, kind: 'income' | 'identity') {
  const applicantId = randomUUID();
  const meta = { tenantId: TENANT, correlationId: applicationId };
  const link = `https://verify.example.com/v/${applicantId}`;
  const expiresAt = new Date(Date.now() + 14 * 86_400_000).toISOString();
  await h.publish(
    NotificationRequested,
    {
      notificationId: `invite:${applicantId}:${kind}:email`,
      applicationId,
      applicantId,
      propertyId: 'p1',
      purpose: 'invite',
      kind,
      channel: 'email',
      to: `${applicantId.slice(0, 8)}@example.com`,
      recipientName: 'Ada Lovelace',
      link,
      expiresAt,
    },
    meta,
  );
  return h.publish(InviteSent, inviteSentPayload(applicationId, applicantId, kind, link, expiresAt), meta);
}

function inviteSentPayload(
  applicationId: string,
  applicantId: string,
  kind: 'income' | 'identity',
  link: string,
  expiresAt: string,
) {
  return {
    applicationId,
    applicantId,
    propertyId: 'p1',
    kind,
    channels: ['email' as const],
    notificationIds: [`invite:${applicantId}:${kind}:email`],
    link,
    expiresAt,
    resend: false,
  };
}

describe('one trace per application', () => {
  it('continues the first webhook trace through consumer, job and outbox, and a later webhook joins it', async () => {
    const applicationId = randomUUID();

    // 1. The first webhook: its span is the application's trace; the event it publishes carries it.
    const first = await tracer.startActiveSpan(
      'POST /webhooks/entrata/:tenantId',
      { kind: SpanKind.SERVER },
      async (span) => {
        try {
          return await invite(applicationId, 'income');
        } finally {
          span.end();
        }
      },
    );
    const applicationTrace = traceIdOf(first);
    expect(applicationTrace).toMatch(/^[0-9a-f]{32}$/);

    // 2. A later webhook (its own request, its own trace) continues the stored context of the application.
    let webhookTrace: string | undefined;
    await tracer.startActiveSpan(
      'POST /webhooks/verification-platform',
      { kind: SpanKind.SERVER },
      async (span) => {
        webhookTrace = span.spanContext().traceId;
        try {
          await continueTrace(
            first,
            'verification-platform webhook',
            { 'application.id': applicationId },
            () => invite(applicationId, 'identity'),
          );
        } finally {
          span.end();
        }
      },
    );
    expect(webhookTrace).not.toBe(applicationTrace);

    // The reminder's own events (sent by its job, after the consumer) are in the application's trace.
    const requests = await waitFor(
      async () => {
        const all = (await h.events(topics.notificationRequests, 'NotificationRequested')).filter(
          (e) => e.correlationId === applicationId && e.payload.purpose === 'reminder',
        );
        return all.length >= 2 ? all : undefined;
      },
      { message: 'two reminder NotificationRequested' },
    );
    for (const request of requests) expect(traceIdOf(request as TraceCarrier)).toBe(applicationTrace);

    const finished = await tracing.spans();
    const spans = finished.filter((s) => s.spanContext().traceId === applicationTrace);
    const consumed = spans.filter((s) => s.name.startsWith('process ') && s.name.endsWith('.invites'));
    expect(consumed).toHaveLength(2);
    for (const span of consumed)
      expect(span.attributes).toMatchObject({ 'tenant.id': TENANT, 'application.id': applicationId });
    const jobs = spans.filter((s) => s.name === 'job send-reminder');
    expect(jobs).toHaveLength(2);
    for (const span of jobs) expect(span.attributes['application.id']).toBe(applicationId);
    // The later webhook and the application's trace point at each other.
    const joined = spans.find((s) => s.name === 'verification-platform webhook');
    expect(joined?.links.map((l) => l.context.traceId)).toEqual([webhookTrace]);
    const webhook = finished.find((s) => s.name === 'POST /webhooks/verification-platform');
    expect(webhook?.links.map((l) => l.context.traceId)).toEqual([applicationTrace]);
    // Resource of every span: who made it, which release, where.
    expect(spans[0]?.resource.attributes).toMatchObject({
      'service.version': 'dev',
      'deployment.environment.name': 'development',
    });
  });
});
