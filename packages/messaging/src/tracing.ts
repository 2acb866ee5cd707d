import { type Context, context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { TraceCarrier } from './headers.ts';

// A ProxyTracer: spans go to whichever provider is registered when they start (the SDK, or a test's).
export const tracer = trace.getTracer('@autoverify/messaging');

/** The W3C trace context of ctx (the active one by default), as stored in envelopes and headers. */
export function captureTraceContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const result: TraceCarrier = {};
  if (carrier.traceparent) result.traceparent = carrier.traceparent;
  if (carrier.tracestate) result.tracestate = carrier.tracestate;
  return result;
}

export function contextFrom(carrier: TraceCarrier): Context {
  const clean: Record<string, string> = {};
  if (carrier.traceparent) clean.traceparent = carrier.traceparent;
  if (carrier.tracestate) clean.tracestate = carrier.tracestate;
  return propagation.extract(ROOT_CONTEXT, clean);
}
