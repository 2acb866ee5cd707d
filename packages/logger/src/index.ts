import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactText } from './mask.ts';
import { MAX_URL, redactOptions, truncate } from './redact.ts';

export type { Logger } from 'pino';
export { maskEmail, maskPhone, redactText } from './mask.ts';
export { CENSOR, MAX_STRING, MAX_URL, SENSITIVE_KEYS, sanitize, truncate } from './redact.ts';

export interface CreateLoggerOptions {
  service: string;
  /** pino level name; defaults to LOG_LEVEL or `info`. */
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture the output. */
  destination?: DestinationStream;
}

/**
 * The one logger factory of every service: JSON lines with `service`, the active trace/span ids,
 * personal data and credentials redacted by key, long strings cut (request URLs at 1 KiB, anything else at
 * 8 KiB), and email addresses / phone numbers masked anywhere in the final line (messages, error messages
 * and stacks, URLs).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // fastify uses these for its request lines (a logger's own serializers win over fastify's).
    serializers: { req: requestSummary, err: pino.stdSerializers.err },
    redact: redactOptions(),
    mixin: traceFields,
    hooks: { streamWrite: redactText },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
  socket?: { remoteAddress?: string; remotePort?: number } | null;
}

/** What a request line shows: method, URL (cut: callers choose its length), client address. */
function requestSummary(req: RequestLike) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? truncate(req.url, MAX_URL) : req.url,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return {};
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
}
