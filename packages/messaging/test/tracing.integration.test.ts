import { randomUUID } from 'node:crypto';
import { ApplicationSubmitted, deadLetterTopic, InviteSent, topics } from '@autoverify/contracts';
import { messageJson, waitFor } from '@autoverify/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BatchItem,
  buildEvent,
  causedBy,
  eventHeaders,
  handle,
  handleBatched,
  Outbox,
  type OutboxRelay,
  type RunningConsumer,
  startConsumer,
  startOutboxRelay,
} from '../src/index.ts';
import { type Harness, registerTracingGlobals, startHarness } from './support.ts';

const exporter = new InMemorySpanExporter();

describe('trace context across the outbox and Kafka', () => {
  let h: Harness;
  let relay: OutboxRelay;
  let consumer: RunningConsumer;
  let batchConsumer: RunningConsumer | undefined;

  beforeAll(async () => {
    registerTracingGlobals();
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
    );
    h = await startHarness([
      topics.applications,
      topics.invites,
      deadLetterTopic('tracing'),
      deadLetterTopic('tracing-batch'),
    ]);
    relay = await startOutboxRelay({
      kafka: h.kafka,
      pool: h.pool,
      logger: h.logger,
      pollMs: 50,
    });
    consumer = await startConsumer<pg.PoolClient>({
      kafka: h.kafka,
      service: 'tracing',
      topics: ['applications'],
      transactions: h.transactions,
      logger: h.logger,
      relay,
      handlers: [
        handle(ApplicationSubmitted, async (e, tx: pg.PoolClient, ctx) => {
          await ctx.outbox.add(
            tx,
            InviteSent,
            { ...InviteSent.example, applicationId: e.payload.applicationId },
            causedBy(e),
          );
        }),
      ],
    });
  });

  afterAll(async () => {
    await batchConsumer?.stop();
    await consumer?.stop();
    await relay?.stop();
    await h?.close();
    trace.disable();
  });

  it("one application's journey is one trace: request -> producer -> consumer -> producer", async () => {
    const applicationId = randomUUID();
    const outbox = new Outbox(h.transactions);
    const tracer = trace.getTracer('test');
    const root = await tracer.startActiveSpan('POST /webhooks/entrata', async (span) => {
      await h.transactions.run((tx) =>
        outbox.add(
          tx,
          ApplicationSubmitted,
          { ...ApplicationSubmitted.example, applicationId },
          { tenantId: 'acme-homes', correlationId: applicationId },
        ),
      );
      span.end();
      return span.spanContext();
    });
    relay.wake();

    const [invite] = await waitFor(
      async () => {
        const found = (await h.kafka.readTopic(h.kafka.topicName(topics.invites))).filter(
          (m) => m.key === applicationId,
        );
        return found.length > 0 && found;
      },
      { message: 'the InviteSent the consumer emitted' },
    );

    const spans = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.traceId);
    await waitFor(() => spans().filter((s) => s.kind === SpanKind.PRODUCER).length === 2, {
      message: 'both producer spans',
    });
    const [sendApplication, sendInvite] = spans()
      .filter((s) => s.kind === SpanKind.PRODUCER)
      .sort(
        (a, b) =>
          (a.attributes['autoverify.event_type'] === 'ApplicationSubmitted' ? -1 : 1) -
          (b.attributes['autoverify.event_type'] === 'ApplicationSubmitted' ? -1 : 1),
      );
    const process = spans().find((s) => s.kind === SpanKind.CONSUMER);

    expect(sendApplication?.name).toBe(`send ${h.kafka.topicName(topics.applications)}`);
    expect(sendApplication?.parentSpanContext?.spanId).toBe(root.spanId);
    expect(process?.name).toBe(`process ${h.kafka.topicName(topics.applications)}`);
    expect(process?.parentSpanContext?.spanId).toBe(sendApplication?.spanContext().spanId);
    expect(process?.attributes['messaging.consumer.group.name']).toBe(h.kafka.groupId('tracing'));
    expect(sendInvite?.attributes['autoverify.event_type']).toBe('InviteSent');
    expect(sendInvite?.parentSpanContext?.spanId).toBe(process?.spanContext().spanId);

    // The emitted event carries the trace in its envelope and its headers.
    expect(
      (messageJson(invite?.value ?? null) as { traceparent?: string } | undefined)?.traceparent,
    ).toContain(root.traceId);
    expect(invite?.headers.traceparent).toBe(`00-${root.traceId}-${sendInvite?.spanContext().spanId}-01`);
  });

  it("a batch handler finds each event's own span through inEventSpan", async () => {
    const applicationId = randomUUID();
    const tracer = trace.getTracer('test');
    // Three events of one application, each built under a trace of its own (three webhooks, say).
    const events = [1, 2, 3].map((n) =>
      tracer.startActiveSpan(`request ${n}`, (span) => {
        const event = buildEvent(
          InviteSent,
          { ...InviteSent.example, applicationId },
          { tenantId: 'acme-homes', correlationId: applicationId },
        );
        span.end();
        return { event, traceId: span.spanContext().traceId };
      }),
    );
    // One produce request: the consumer fetches them together.
    await h.kafka.publishRaw(
      events.map(({ event }) => ({
        topic: h.kafka.topicName(topics.invites),
        key: applicationId,
        value: JSON.stringify(event),
        headers: eventHeaders(event),
      })),
    );
    const seen = new Map<string, string | undefined>();
    const sizes: number[] = [];
    batchConsumer = await startConsumer<pg.PoolClient>({
      kafka: h.kafka,
      service: 'tracing-batch',
      topics: ['invites'],
      transactions: h.transactions,
      logger: h.logger,
      handlers: handleBatched([InviteSent], async (items: readonly BatchItem<pg.PoolClient>[]) => {
        sizes.push(items.length);
        for (const { event, ctx } of items)
          seen.set(
            event.id,
            ctx.inEventSpan(() => trace.getActiveSpan()?.spanContext().traceId),
          );
      }),
    });
    await waitFor(() => events.every(({ event }) => seen.has(event.id)), { message: 'all three handled' });
    for (const { event, traceId } of events) expect(seen.get(event.id)).toBe(traceId);
    // Fetched together, so at least one call got several of them.
    expect(Math.max(...sizes)).toBeGreaterThan(1);
  });
});
