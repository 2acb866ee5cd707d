/** Kafka header names: our contract with consumers, support tools and the dead-letter redrive. */
export const headerNames = {
  eventType: 'event-type',
  eventVersion: 'event-version',
  eventId: 'event-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  error: 'x-error',
  attempts: 'x-attempts',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  consumer: 'x-consumer',
  failedAt: 'x-failed-at',
  /** Set by support replay and redrive: only the named consumer acts on the message, the others skip it. */
  replayTarget: 'x-replay-target',
} as const;

export type Headers = Record<string, string>;

export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** Headers of a published event; `trace` (the producer span's context) wins over the envelope's. */
export function eventHeaders(
  event: { id: string; type: string; version: number } & TraceCarrier,
  trace: TraceCarrier = {},
): Headers {
  const headers: Headers = {
    [headerNames.eventType]: event.type,
    [headerNames.eventVersion]: String(event.version),
    [headerNames.eventId]: event.id,
  };
  const traceparent = trace.traceparent ?? event.traceparent;
  const tracestate = trace.traceparent ? trace.tracestate : event.tracestate;
  if (traceparent) headers[headerNames.traceparent] = traceparent;
  if (tracestate) headers[headerNames.tracestate] = tracestate;
  return headers;
}

export interface DeadLetterInfo {
  error: string;
  attempts: number;
  topic: string;
  partition: number;
  offset: string;
  consumer: string;
  failedAt?: Date;
}

// Kafka has no hard header limit, but a stack trace per message is noise: keep the first part.
const MAX_ERROR_LENGTH = 2000;

/** The original headers (event id, trace context) plus why and where the message failed. */
export function deadLetterHeaders(original: Headers, info: DeadLetterInfo): Headers {
  const error =
    info.error.length > MAX_ERROR_LENGTH ? `${info.error.slice(0, MAX_ERROR_LENGTH - 1)}…` : info.error;
  return {
    ...stripDeadLetterHeaders(original),
    [headerNames.error]: error,
    [headerNames.attempts]: String(info.attempts),
    [headerNames.originalTopic]: info.topic,
    [headerNames.originalPartition]: String(info.partition),
    [headerNames.originalOffset]: info.offset,
    [headerNames.consumer]: info.consumer,
    [headerNames.failedAt]: (info.failedAt ?? new Date()).toISOString(),
  };
}

/** Headers to redrive a dead-lettered message with: the original ones, without the failure details. */
export function stripDeadLetterHeaders(headers: Headers): Headers {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('x-')));
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
