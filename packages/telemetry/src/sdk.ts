import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, hostDetector, processDetector } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { serviceResource } from './resource.ts';
import { samplerFromEnv } from './sampler.ts';
import { redactedUrlAttributes } from './url-redaction.ts';

export interface StartTelemetryOptions {
  /** Replaces the exporter chosen from OTEL_* variables (tests pass an in-memory exporter's processor). */
  spanProcessors?: SpanProcessor[];
  /** Register the ESM loader hook and the http/undici/pg instrumentations (default true). */
  instrument?: boolean;
  env?: Record<string, string | undefined>;
}

const STATE = Symbol.for('autoverify.telemetry');
interface State {
  provider?: TracerProvider;
  hooked?: boolean;
  stopping?: Promise<void>;
}
const globals = globalThis as Record<symbol, State>;
globals[STATE] ??= {};
const state: State = globals[STATE];

export function telemetryStarted(): boolean {
  return state.provider !== undefined;
}

/**
 * Starts tracing once per process. Without an OTLP endpoint spans are still created (ids flow into logs and
 * event headers, so traces stay correlated) but nothing is exported and nothing is printed.
 *
 * The tracer provider, context manager, propagator and the three instrumentations are wired here rather
 * than through @opentelemetry/sdk-node: its NodeSDK imports every exporter it could be configured with
 * (OTLP over gRPC, protobuf and JSON for traces, metrics and logs, Zipkin, the logs and metrics SDKs), about
 * 20 MiB of resident memory per process for code we never run (e2e/bench/README.md, memory).
 */
export async function startTelemetry(options: StartTelemetryOptions = {}): Promise<boolean> {
  const env = options.env ?? process.env;
  if (state.provider || (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  const instrument = options.instrument ?? true;
  if (instrument) await registerEsmHook();

  const provider = new TracerProvider({
    resource: serviceResource(env).merge(detectResources({ detectors: [processDetector, hostDetector] })),
    sampler: samplerFromEnv(env),
    // A provider without processors would still make recording spans; ids must exist to correlate logs.
    spanProcessors: options.spanProcessors?.length
      ? options.spanProcessors
      : await defaultSpanProcessors(env),
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);
  if (instrument)
    registerInstrumentations({
      tracerProvider: provider,
      instrumentations: [
        new HttpInstrumentation({
          // Kubernetes probes every few seconds and Prometheus scrapes would drown the real traffic.
          ignoreIncomingRequestHook: (request) => isHousekeeping(request.url ?? ''),
        }),
        // Query values of outgoing calls carry personal data (phone numbers in Twilio's list filters).
        new UndiciInstrumentation({ startSpanHook: redactedUrlAttributes }),
        // Pollers (job queue, outbox relay) query all the time; only queries inside real work are traced.
        new PgInstrumentation({ requireParentSpan: true }),
      ],
    });
  state.provider = provider;
  return true;
}

/** Probe and scrape requests: neither traced nor logged. */
export function isHousekeeping(url: string): boolean {
  return url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');
}

async function defaultSpanProcessors(env: Record<string, string | undefined>): Promise<SpanProcessor[]> {
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    // Imported only when spans are exported. The exporter reads endpoint, headers and timeout from the
    // standard OTEL_EXPORTER_OTLP_* variables.
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const setting = (name: string) => {
      const value = Number(env[name]);
      return Number.isFinite(value) && value > 0 ? value : undefined;
    };
    // The standard OTEL_BSP_* settings, as the SDK's own set-up reads them.
    const options = {
      maxQueueSize: setting('OTEL_BSP_MAX_QUEUE_SIZE'),
      scheduledDelayMillis: setting('OTEL_BSP_SCHEDULE_DELAY'),
      exportTimeoutMillis: setting('OTEL_BSP_EXPORT_TIMEOUT'),
      maxExportBatchSize: setting('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    };
    return [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...options })];
  }
  return [discardingProcessor];
}

const discardingProcessor: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** Flushes pending spans and stops tracing; a no-op when it was never started. Safe to call twice. */
export function shutdownTelemetry(): Promise<void> {
  const provider = state.provider;
  if (!provider) return Promise.resolve();
  state.stopping ??= provider.shutdown().catch((error: unknown) => {
    process.stderr.write(`telemetry: shutdown failed: ${(error as Error).message}\n`);
  });
  return state.stopping;
}

/**
 * ESM modules (`import pg from 'pg'`, `import { createServer } from 'node:http'`) can only be patched through
 * import-in-the-middle's loader hook, registered before the application's modules load. It must be the copy
 * @opentelemetry/instrumentation uses (its Hook registry is module state), so it is resolved from there.
 * Node 24.11.1+ runs it synchronously in-thread; older versions get the off-thread loader plus a message
 * channel that carries the instrumentations' hook registrations to it.
 */
async function registerEsmHook(): Promise<void> {
  if (state.hooked) return;
  state.hooked = true;
  const fromInstrumentation = createRequire(import.meta.resolve('@opentelemetry/instrumentation'));
  const iitmDir = dirname(fromInstrumentation.resolve('import-in-the-middle/package.json'));
  const syncHooks = (await import(pathToFileURL(join(iitmDir, 'register-hooks.mjs')).href)) as {
    register: () => void;
    supportsSyncHooks: () => boolean;
  };
  if (syncHooks.supportsSyncHooks()) {
    syncHooks.register();
    return;
  }
  const iitm = fromInstrumentation('import-in-the-middle') as {
    createAddHookMessageChannel: () => { registerOptions: { data?: unknown; transferList?: unknown[] } };
  };
  const { registerOptions } = iitm.createAddHookMessageChannel();
  register(pathToFileURL(join(iitmDir, 'hook.mjs')).href, import.meta.url, registerOptions as never);
}
