// One trace per application, through ingest itself: the real OpenTelemetry SDK (spans kept in memory), real
// Kafka and PostgreSQL. The verification-platform webhook arrives on its own (its job is a trace of its own)
// and what it publishes must continue the trace the application was first seen in.
import { createHmac } from 'node:crypto';
import { messageJson, waitFor } from '@autoverify/testing';
import { startTestTracing, type TestTracing, traceIdOf } from '@autoverify/testing/tracing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PLATFORM_SECRET, startHarness, TENANT } from './helpers.ts';
import { mappedApplication } from './journey.ts';

let tracing: TestTracing;
let h: Harness;

beforeAll(async () => {
  tracing = await startTestTracing();
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  await tracing?.stop();
});

/** The one message of `type` for an application on a topic: its envelope and its Kafka headers. */
async function message(topic: string, type: string, applicationId: string) {
  return waitFor(
    async () => {
      const all = await h.admin.readTopic(`${h.kafka.namespace}.${topic}`);
      return all.find((m) => {
        const event = messageJson(m.value) as { type?: string; correlationId?: string } | undefined;
        return event?.type === type && event.correlationId === applicationId;
      });
    },
    { message: `${type} of ${applicationId}` },
  );
}

describe('one trace per application', () => {
  it("publishes a platform webhook's VerificationCompleted in the trace of the application", async () => {
    // The application synced, then invite's mapping, published outside any trace (the consumer's span is a
    // trace of its own).
    const app = await mappedApplication(h);
    const { applicationId } = app;
    const verificationId = app.applicants[0]?.verificationId;

    const submitted = await message('applications', 'ApplicationSubmitted', applicationId);
    const applicationTrace = traceIdOf(submitted.headers);
    expect(applicationTrace).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(messageJson(submitted.value) as { traceparent?: string })).toBe(applicationTrace);
    const row = await h.prisma.application.findUnique({ where: { applicationId } });
    expect(traceIdOf(row?.traceContext as { traceparent?: string })).toBe(applicationTrace);

    const body = JSON.stringify({ code: 'VERIFICATION_COMPLETED', verification_id: verificationId });
    const res = await fetch(`${h.url}/webhooks/verification-platform`, {
      method: 'POST',
      headers: { 'verification-signature': createHmac('sha256', PLATFORM_SECRET).update(body).digest('hex') },
      body,
    });
    expect(res.status).toBe(202);

    const completed = await message('verification-platform-events', 'VerificationCompleted', applicationId);
    expect(traceIdOf(completed.headers)).toBe(applicationTrace);
    expect(traceIdOf(messageJson(completed.value) as { traceparent?: string })).toBe(applicationTrace);

    // The webhook's job (its own trace) and the application's trace point at each other.
    const spans = await tracing.spans();
    const continued = spans.find(
      (s) => s.name === 'verification-platform webhook' && s.attributes['application.id'] === applicationId,
    );
    expect(continued?.spanContext().traceId).toBe(applicationTrace);
    expect(continued?.attributes['tenant.id']).toBe(TENANT);
    const jobTrace = continued?.links[0]?.context.traceId;
    expect(jobTrace).toBeDefined();
    expect(jobTrace).not.toBe(applicationTrace);
    const job = spans.find(
      (s) => s.name === 'job process-platform-webhook' && s.spanContext().traceId === jobTrace,
    );
    expect(job?.links.map((l) => l.context.traceId)).toEqual([applicationTrace]);
  });
});
