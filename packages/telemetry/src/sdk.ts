import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { serviceResource } from './resource.ts';
import { redactedUrlAttributes } from './url-redaction.ts';

export interface StartTelemetryOptions {
  /** Replaces the exporter chosen from OTEL_* variables (tests pass an in-memory exporter's processor). */
  spanProcessors?: SpanProcessor[];
  /** Register the ESM loader hook and the undici/pg instrumentations (default true). Server spans: server-spans.ts. */
  instrument?: boolean;
  env?: Record<string, string | undefined>;
}

const STATE = Symbol.for('autoverify.telemetry');
interface State {
  sdk?: NodeSDK;
  hooked?: boolean;
  stopping?: Promise<void>;
}
const globals = globalThis as Record<symbol, State>;
globals[STATE] ??= {};
const state: State = globals[STATE];

export function telemetryStarted(): boolean {
  return state.sdk !== undefined;
}

/**
 * Starts the OpenTelemetry SDK once per process. Without an OTLP endpoint spans are still created (ids flow
 * into logs and event headers, so traces stay correlated) but nothing is exported and nothing is printed.
 */
export async function startTelemetry(options: StartTelemetryOptions = {}): Promise<boolean> {
  const env = options.env ?? process.env;
  if (state.sdk || (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  const instrumentations = (options.instrument ?? true) ? nodeInstrumentations() : [];
  if (instrumentations.length) await registerEsmHook(instrumentedModules(instrumentations));

  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? { serviceName: env.OTEL_SERVICE_NAME } : {}),
    resource: serviceResource(env),
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    // An SDK without processors registers no tracer provider at all, and then no trace ids exist to correlate.
    spanProcessors: (options.spanProcessors?.length
      ? options.spanProcessors
      : defaultSpanProcessors(env)) as never,
    // Logs go through pino; metrics are per service (metrics.ts, scraped from /metrics): keep the SDK from
    // defaulting to OTLP for either.
    logRecordProcessors: [],
    metricReaders: [],
    instrumentations,
  });
  sdk.start();
  state.sdk = sdk;
  return true;
}

// getModuleDefinitions() is public on InstrumentationBase but not part of the Instrumentation interface.
type NodeInstrumentation = Instrumentation & { getModuleDefinitions(): { name: string }[] };

function nodeInstrumentations(): NodeInstrumentation[] {
  return [
    // Query values of outgoing calls carry personal data (phone numbers in Twilio's list filters).
    new UndiciInstrumentation({ startSpanHook: redactedUrlAttributes }),
    // Pollers (job queue, outbox relay) query all the time; only queries inside real work are traced. A
    // span per pool checkout (pg-pool.connect) beside each query's own span says nothing a query span does not.
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
  ];
}

/**
 * The modules the instrumentations patch (pg, pg-pool; undici is instrumented through its
 * diagnostics channels, not an import). Only these go through the loader hook: without this list it wraps
 * every module the service imports in a generated module of its own (ingest with its modules loaded: 209 MiB
 * resident with the wrapping, 174 without; e2e/bench/README.md, 2026-12-06).
 */
function instrumentedModules(instrumentations: NodeInstrumentation[]): string[] {
  return [
    ...new Set(
      instrumentations.flatMap((i) => i.getModuleDefinitions().map((definition) => definition.name)),
    ),
  ];
}

/** Probe and scrape requests: neither traced nor logged. */
export function isHousekeeping(url: string): boolean {
  return url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');
}

function defaultSpanProcessors(env: Record<string, string | undefined>): SpanProcessor[] {
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    // The exporter reads endpoint, headers and timeout from the standard OTEL_EXPORTER_OTLP_* variables.
    return [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })];
  }
  return [discardingProcessor];
}

const discardingProcessor: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** Flushes pending spans and stops the SDK; a no-op when it was never started. Safe to call twice. */
export function shutdownTelemetry(): Promise<void> {
  const sdk = state.sdk;
  if (!sdk) return Promise.resolve();
  state.stopping ??= sdk.shutdown().catch((error: unknown) => {
    process.stderr.write(`telemetry: shutdown failed: ${(error as Error).message}\n`);
  });
  return state.stopping;
}

/**
 * ESM modules (`import pg from 'pg'`) can only be patched through
 * import-in-the-middle's loader hook, registered before the application's modules load. It must be the copy
 * @opentelemetry/instrumentation uses (its Hook registry is module state), so it is resolved from there.
 * Node 24.11.1+ runs it synchronously in-thread; older versions get the off-thread loader plus a message
 * channel that carries the instrumentations' hook registrations to it.
 */
async function registerEsmHook(include: string[]): Promise<void> {
  if (state.hooked) return;
  state.hooked = true;
  const fromInstrumentation = createRequire(import.meta.resolve('@opentelemetry/instrumentation'));
  const iitmDir = dirname(fromInstrumentation.resolve('import-in-the-middle/package.json'));
  const syncHooks = (await import(pathToFileURL(join(iitmDir, 'register-hooks.mjs')).href)) as {
    register: (options: { include: string[] }) => void;
    supportsSyncHooks: () => boolean;
  };
  if (syncHooks.supportsSyncHooks()) {
    syncHooks.register({ include });
    return;
  }
  const iitm = fromInstrumentation('import-in-the-middle') as {
    createAddHookMessageChannel: () => { registerOptions: { data?: unknown; transferList?: unknown[] } };
  };
  const { registerOptions } = iitm.createAddHookMessageChannel();
  const data = { ...(registerOptions.data as object), include };
  register(pathToFileURL(join(iitmDir, 'hook.mjs')).href, import.meta.url, {
    ...registerOptions,
    data,
  } as never);
}
