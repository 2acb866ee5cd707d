import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

export { type Span, SpanKind, type SpanOptions, SpanStatusCode } from '@opentelemetry/api';

export {
  type Counter,
  counterOf,
  type Histogram,
  type Meter,
  metricsEnabled,
  type ServiceMetrics,
  startMetrics,
} from './metrics.ts';
export { serviceResource } from './resource.ts';
export {
  isHousekeeping,
  type StartTelemetryOptions,
  shutdownTelemetry,
  startTelemetry,
  telemetryStarted,
} from './sdk.ts';
export { traceRequests } from './server-spans.ts';

export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The tracer of our own code; a no-op until the SDK is started. */
export const tracer: Tracer = trace.getTracer('autoverify');

/** W3C trace context of the active span, for event headers and job data. Empty when there is no active trace. */
export function injectTraceContext(): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const result: TraceCarrier = {};
  if (carrier.traceparent) result.traceparent = carrier.traceparent;
  if (carrier.tracestate) result.tracestate = carrier.tracestate;
  return result;
}

/**
 * Runs `fn` in the context carried by `carrier` (from an event or a job), so its spans and log lines join the
 * trace that caused the work. Starts from the root context: work must not inherit the poller's context.
 */
export function withTraceContext<T>(carrier: TraceCarrier | undefined, fn: () => T): T {
  const extracted = propagation.extract(ROOT_CONTEXT, { ...carrier });
  return context.with(extracted, fn);
}

/**
 * Names the server span of the current request after its route (`POST /webhooks/:tenant`) and sets
 * `http.route`: the server span (traceRequests) sees only the URL, the router knows the route.
 */
export function nameServerSpan(method: string, route: string): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttribute('http.route', route);
  span.updateName(`${method} ${route}`);
}

/** Sets `tenant.id` and `application.id` (when known) on the active span: what support searches traces by. */
export function tagActiveSpan(ids: { tenantId?: string; applicationId?: string }): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  if (ids.tenantId) span.setAttribute('tenant.id', ids.tenantId);
  if (ids.applicationId) span.setAttribute('application.id', ids.applicationId);
}

/**
 * Runs `fn` in a span of the trace `carrier` belongs to: the application's trace, stored where the
 * application was first seen. For work that starts outside it (a verification-platform webhook, a
 * reconciliation run) but belongs to an application: the events `fn` adds continue the application's
 * trace. The span links back to the span that was active (the webhook's request), and that span links to
 * the application's trace, so either is reachable from the other. Without a carrier, `fn` runs in a plain
 * child span.
 */
export async function continueTrace<T>(
  carrier: TraceCarrier | undefined,
  name: string,
  attributes: Record<string, string>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const current = trace.getActiveSpan();
  const origin = current?.spanContext();
  if (!carrier?.traceparent) return inSpan(name, { attributes }, fn);
  return withTraceContext(carrier, () => {
    const stored = trace.getSpanContext(context.active());
    if (stored && current) current.addLink({ context: stored });
    return inSpan(name, { attributes, ...(origin ? { links: [{ context: origin }] } : {}) }, fn);
  });
}

/** Runs `fn` in a new active span; the span records a thrown error and always ends. */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
