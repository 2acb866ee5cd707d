import { createServer, type RequestListener } from 'node:http';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import {
  injectTraceContext,
  inSpan,
  shutdownTelemetry,
  startTelemetry,
  telemetryStarted,
  traceRequests,
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

  describe('traceRequests (server spans)', () => {
    /** Serves one request through traceRequests(listener) on loopback; resolves once its span has ended. */
    async function serve(listener: RequestListener, path: string, headers: Record<string, string> = {}) {
      exporter.reset();
      const server = createServer(traceRequests(listener));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers });
        await response.text();
        // The span ends on the response's close, around the time the client has read it: wait for it (a
        // probe's never comes, so that wait is short).
        const deadline = Date.now() + (path.startsWith('/health/') ? 50 : 2000);
        let spans = await finishedSpans();
        while (!spans.some((s) => s.kind === SpanKind.SERVER) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          spans = await finishedSpans();
        }
        return { status: response.status, spans };
      } finally {
        server.close();
      }
    }

    it('runs the listener in a SERVER span that continues the caller trace and records the outcome', async () => {
      const caller = tracer.startSpan('caller');
      const { traceId, spanId } = caller.spanContext();
      caller.end();
      let active: string | undefined;
      const { spans } = await serve(
        (_request, response) => {
          // A continuation, as a handler awaiting its database would be.
          setTimeout(() => {
            active = injectTraceContext().traceparent;
            response.statusCode = 202;
            response.end('{}');
          }, 1);
        },
        '/webhooks/x?phone=%2B17205550001',
        { traceparent: `00-${traceId}-${spanId}-01` },
      );
      const server = spans.find((s) => s.kind === SpanKind.SERVER);
      expect(server?.spanContext().traceId).toBe(traceId);
      expect(server?.parentSpanContext?.spanId).toBe(spanId);
      expect(active?.split('-')[2]).toBe(server?.spanContext().spanId);
      expect(server?.name).toBe('POST');
      expect(server?.attributes).toMatchObject({
        'http.request.method': 'POST',
        'url.path': '/webhooks/x',
        'http.response.status_code': 202,
      });
      // Query values may be personal data: never on the span.
      expect(JSON.stringify(server?.attributes)).not.toContain('1720555');
      expect(server?.status.code).toBe(0);
    });

    it('marks a 5xx answer as an error, and traces no probe', async () => {
      const failing = await serve((_request, response) => {
        response.statusCode = 503;
        response.end();
      }, '/anything');
      expect(failing.spans.find((s) => s.kind === SpanKind.SERVER)?.status.code).toBe(2);

      const probe = await serve((_request, response) => response.end('ok'), '/health/ready');
      expect(probe.status).toBe(200);
      expect(probe.spans).toEqual([]);
    });
  });

  it('shuts down idempotently', async () => {
    await shutdownTelemetry();
    await shutdownTelemetry();
  });
});
