import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { errorText, eventHeaders } from './headers.ts';
import type { KafkaClient, OutgoingRecord } from './kafka.ts';
import { UnpublishableRowError } from './outbox-failed.ts';
import { captureTraceContext, contextFrom, tracer } from './tracing.ts';

/** An outbox row as the relay reads it. */
export interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  key: string;
  event_type: string;
  envelope: string;
}

/** Sends outbox rows as they are stored, each in a PRODUCER span that continues its event's trace. */
export async function publishRows(kafka: KafkaClient, rows: OutboxRow[]): Promise<void> {
  const spans: Span[] = [];
  const records: OutgoingRecord[] = rows.map((row) => {
    const envelope = JSON.parse(row.envelope) as {
      id: string;
      type: string;
      version: number;
      traceparent?: string;
      tracestate?: string;
    };
    if (typeof envelope?.id !== 'string' || typeof envelope.type !== 'string')
      throw new UnpublishableRowError(`outbox row ${row.id} holds no event envelope`);
    const topic = kafka.topicName({ name: row.topic });
    // The PRODUCER span continues the trace the event was created in (captured in the envelope).
    const span = tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': topic,
          'messaging.message.id': row.event_id,
          'messaging.kafka.message.key': row.key,
          'autoverify.event_type': row.event_type,
        },
      },
      contextFrom(envelope),
    );
    spans.push(span);
    return {
      topic,
      key: row.key,
      value: row.envelope,
      headers: eventHeaders(envelope, captureTraceContext(trace.setSpan(contextFrom(envelope), span))),
    };
  });
  try {
    await kafka.publishRaw(records);
  } catch (error) {
    for (const span of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
