import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactText } from './mask.ts';
import { REDACT_PATHS } from './redact-paths.ts';

export type { Logger } from 'pino';
export { maskEmail, maskPhone, redactText } from './mask.ts';
export { REDACT_PATHS } from './redact-paths.ts';

export interface CreateLoggerOptions {
  service: string;
  /** pino level name; defaults to LOG_LEVEL or `info`. */
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture the output. */
  destination?: DestinationStream;
}

/**
 * The one logger factory of every service: JSON lines with `service`, the active trace/span ids,
 * personal data and credentials redacted by key, and email addresses / phone numbers masked anywhere
 * in the final line (messages, error messages and stacks, URLs).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin: traceFields,
    hooks: { streamWrite: redactText },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return {};
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
}
