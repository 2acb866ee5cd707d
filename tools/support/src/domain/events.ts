import { type TopicDefinition, topicOfEvent } from '@autoverify/contracts';
import { redactText } from '@autoverify/logger';

/** What the timeline shows of an event: who published it, whether it is a failure, and its trace. */
export interface EventFacts {
  service: string;
  outcome: Outcome;
  traceId: string | null;
  entrataApplicationId: string | null;
  /** Non-personal payload fields worth a glance (kind, channel, reason, ...). */
  summary: string;
}

export type Outcome = 'ok' | 'failed';

// Event types that record something going wrong; everything else is progress.
const FAILURES = new Set([
  'ApplicationReadFailed',
  'InviteBlocked',
  'NotificationFailed',
  'ReportSyncFailed',
  'PlatformWebhookUnmapped',
]);

// Failures whose detail says what to do (in plain words, personal data masked): shown in the summary.
const DETAILED = new Set(['InviteBlocked']);

// Payload fields that carry no personal data and say what happened; shown in this order.
const SUMMARY_FIELDS = [
  'code',
  'purpose',
  'kind',
  'reportType',
  'scope',
  'channel',
  'channels',
  'reminderNumber',
  'reason',
  'reasonCode',
  'source',
  'resend',
  'permanent',
  'attempts',
  'reportId',
  'verificationId',
  'monthlyRentCents',
  'rentSource',
] as const;

// Free text shown only for events whose producer wrote it for support (and redacted it): other events'
// free text, such as a mail server's error, may quote personal data.
const SUPPORT_TEXT_FIELDS: Record<string, readonly string[]> = {
  ApplicationReadFailed: ['detail', 'action'],
};

interface EnvelopeLike {
  type: string;
  traceparent?: string | undefined;
  payload: Record<string, unknown>;
}

export function outcomeOf(type: string): Outcome {
  return FAILURES.has(type) ? 'failed' : 'ok';
}

/**
 * The publishing service, from the topic registry. notification-requests has two producers (invite and
 * reminder): the request's purpose tells which one sent it.
 */
export function producerOf(type: string, payload: Record<string, unknown>): string {
  let topic: TopicDefinition;
  try {
    topic = topicOfEvent(type);
  } catch {
    return 'unknown';
  }
  if (topic.producers.length === 1) return topic.producers[0] as string;
  const purpose = payload.purpose;
  if (typeof purpose === 'string' && (topic.producers as readonly string[]).includes(purpose)) return purpose;
  return topic.producers.join('|');
}

/** The trace id of a W3C traceparent (`00-<trace id>-<span id>-<flags>`), for Grafana/Tempo. */
export function traceIdOf(traceparent: string | undefined): string | null {
  const match = traceparent
    ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent)
    : null;
  return match?.[1] && !/^0+$/.test(match[1]) ? match[1] : null;
}

export function summaryOf(payload: Record<string, unknown>, type?: string): string {
  const parts: string[] = [];
  for (const field of [...SUMMARY_FIELDS, ...(type ? (SUPPORT_TEXT_FIELDS[type] ?? []) : [])]) {
    const value = payload[field];
    if (value === undefined || value === null) continue;
    parts.push(`${field}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  }
  if (type && DETAILED.has(type) && typeof payload.detail === 'string')
    parts.push(`detail="${redactText(payload.detail)}"`);
  return parts.join(' ');
}

export function factsOf(envelope: EnvelopeLike): EventFacts {
  const entrataApplicationId = envelope.payload.entrataApplicationId;
  return {
    service: producerOf(envelope.type, envelope.payload),
    outcome: outcomeOf(envelope.type),
    traceId: traceIdOf(envelope.traceparent),
    entrataApplicationId: typeof entrataApplicationId === 'string' ? entrataApplicationId : null,
    summary: summaryOf(envelope.payload, envelope.type),
  };
}
