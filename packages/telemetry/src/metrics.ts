import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Counter, createNoopMeter, type Meter } from '@opentelemetry/api';
import { serviceResource } from './resource.ts';

export type { Counter, Histogram, Meter } from '@opentelemetry/api';

/** A service's metrics: the meter its code records with, and the Prometheus scrape handler. */
export interface ServiceMetrics {
  readonly meter: Meter;
  /** Answers a Prometheus scrape (text exposition format); undefined when metrics are off. */
  readonly scrape?: (request: IncomingMessage, response: ServerResponse) => void;
  shutdown(): Promise<void>;
}

const counters = new WeakMap<Meter, Map<string, Counter>>();

/**
 * The counter `name` of this meter, made on first use: use cases record from plain functions that get the
 * service's context, without a place to create instruments once.
 */
export function counterOf(meter: Meter, name: string, description: string): Counter {
  const byName = counters.get(meter) ?? new Map<string, Counter>();
  counters.set(meter, byName);
  const counter = byName.get(name) ?? meter.createCounter(name, { description });
  byName.set(name, counter);
  return counter;
}

/** Metrics are on unless OTEL_SDK_DISABLED=true or OTEL_METRICS_EXPORTER=none (the standard switches). */
export function metricsEnabled(env: Record<string, string | undefined>): boolean {
  const off = (value: string | undefined) => (value ?? '').trim().toLowerCase();
  return off(env.OTEL_SDK_DISABLED) !== 'true' && off(env.OTEL_METRICS_EXPORTER) !== 'none';
}

/**
 * One MeterProvider per started service, read by a Prometheus exporter that does not listen itself: the
 * service serves `/metrics` on its own HTTP server (one port to expose, probe and protect). Per service and
 * not global so that services started side by side in one test process keep their numbers apart. The SDK
 * and the exporter are imported only when metrics are on.
 */
export async function startMetrics(
  serviceName: string,
  env: Record<string, string | undefined> = process.env,
): Promise<ServiceMetrics> {
  if (!metricsEnabled(env)) return { meter: createNoopMeter(), shutdown: async () => {} };
  const [{ MeterProvider }, { PrometheusExporter }] = await Promise.all([
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/exporter-prometheus'),
  ]);
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({
    resource: serviceResource({ ...env, OTEL_SERVICE_NAME: serviceName }),
    readers: [exporter],
  });
  let stopping: Promise<void> | undefined;
  return {
    meter: provider.getMeter('autoverify'),
    scrape: (request, response) => exporter.getMetricsRequestHandler(request, response),
    shutdown: () => {
      stopping ??= provider.shutdown().catch(() => {});
      return stopping;
    },
  };
}
