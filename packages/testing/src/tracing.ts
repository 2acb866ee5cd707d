// The real OpenTelemetry SDK for tests that prove trace propagation: spans are kept in memory instead of
// exported, and services started in-process afterwards trace into it (their tracers are proxies).
import { shutdownTelemetry, startTelemetry, type TraceCarrier } from '@autoverify/telemetry';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';

export interface TestTracing {
  /** Every span finished so far (pending ones flushed first). */
  spans(): Promise<ReadableSpan[]>;
  /** Shuts the SDK down: call after the services under test have stopped. */
  stop(): Promise<void>;
}

/**
 * Starts the SDK with an in-memory exporter, without the undici/pg instrumentations (their loader hook
 * must be registered before those modules load, which a test file's imports have already done).
 */
export async function startTestTracing(): Promise<TestTracing> {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  await startTelemetry({ instrument: false, spanProcessors: [processor], env: {} });
  return {
    async spans() {
      await processor.forceFlush();
      return exporter.getFinishedSpans();
    },
    stop: () => shutdownTelemetry(),
  };
}

/** The trace id of a W3C trace context (an envelope, headers or a stored carrier). */
export const traceIdOf = (carrier: TraceCarrier | undefined): string | undefined =>
  carrier?.traceparent?.split('-')[1];
