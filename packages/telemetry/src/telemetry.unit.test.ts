import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import {
  injectTraceContext,
  inSpan,
  shutdownTelemetry,
  startTelemetry,
  telemetryStarted,
  tracer,
  withTraceContext,
} from './index.ts';

const exporter = new InMemorySpanExporter();
// SimpleSpanProcessor exports asynchronously once resource detection settles: flush before reading.
const processor = new SimpleSpanProcessor({ exporter });
const finishedSpans = async () => {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
};

describe('before the SDK is started', () => {
  it('shutdownTelemetry is a no-op and helpers do not throw', async () => {
    expect(telemetryStarted()).toBe(false);
    await expect(shutdownTelemetry()).resolves.toBeUndefined();
    expect(injectTraceContext()).toEqual({});
    expect(withTraceContext({ traceparent: 'garbage' }, () => 42)).toBe(42);
  });

  it('does not start when OTEL_SDK_DISABLED=true', async () => {
    expect(await startTelemetry({ instrument: false, env: { OTEL_SDK_DISABLED: 'true' } })).toBe(false);
    expect(telemetryStarted()).toBe(false);
  });
});

describe('with the SDK started', () => {
  it('starts once', async () => {
    expect(
      await startTelemetry({
        instrument: false,
        spanProcessors: [processor],
        env: {},
      }),
    ).toBe(true);
    expect(await startTelemetry({ instrument: false, env: {} })).toBe(false);
  });

  it('injects the active span as W3C traceparent', () => {
    expect(injectTraceContext()).toEqual({});
    tracer.startActiveSpan('producer', (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(injectTraceContext()).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
      span.end();
    });
  });

  it('continues the carried trace across an async boundary and records child spans under it', async () => {
    exporter.reset();
    const carrier = tracer.startActiveSpan('publish', (span) => {
      span.end();
      return injectTraceContext();
    });
    const parentTraceId = carrier.traceparent?.split('-')[1];
    const parentSpanId = carrier.traceparent?.split('-')[2];

    await withTraceContext(carrier, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(trace.getSpanContext(context.active())?.traceId).toBe(parentTraceId);
      await inSpan('handle', { kind: SpanKind.CONSUMER }, async () => {
        expect(injectTraceContext().traceparent?.split('-')[1]).toBe(parentTraceId);
      });
    });

    const handle = (await finishedSpans()).find((s) => s.name === 'handle');
    expect(handle?.spanContext().traceId).toBe(parentTraceId);
    expect(handle?.parentSpanContext?.spanId).toBe(parentSpanId);
  });

  it('without a carrier starts from the root, not from the caller context', () => {
    tracer.startActiveSpan('poller', (span) => {
      withTraceContext(undefined, () => expect(trace.getSpan(context.active())).toBeUndefined());
      span.end();
    });
  });

  it('inSpan records errors and ends the span', async () => {
    exporter.reset();
    await expect(inSpan('failing', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    const [span] = await finishedSpans();
    expect(span?.status).toMatchObject({ code: 2, message: 'boom' });
    expect(span?.events[0]?.name).toBe('exception');
  });

  it('shuts down idempotently', async () => {
    await shutdownTelemetry();
    await shutdownTelemetry();
  });
});
