import { consumerNames } from '@autoverify/contracts';
import {
  headerNames,
  type OutgoingRecord,
  type StoredMessage,
  stripDeadLetterHeaders,
} from '@autoverify/messaging';
import { maskPersonalData } from './masking.ts';

export interface DeadLetter {
  consumer: string;
  /** Where the dead letter is in dlq.<consumer>. */
  partition: number;
  offset: string;
  error: string;
  attempts: number | null;
  failedAt: string | null;
  original: { topic: string; partition: number | null; offset: string | null };
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  /** The message value parsed as JSON (personal data masked), or its text when it is not JSON. */
  value: unknown;
  /** When this message failed again after a redrive: the dead letter (same consumer) it was redriven from. */
  redrivenFrom: { partition: number; offset: string } | null;
}

/**
 * Set on a redriven message so that, if it fails again, its new dead letter names the one it came from.
 * Not an `x-` header: the consumer drops those when it dead-letters a message (messaging's headers.ts).
 */
export const REDRIVEN_FROM_HEADER = 'redriven-from';

function redrivenFromOf(header: string | undefined): DeadLetter['redrivenFrom'] {
  const match = header ? /^(\d+)\/(\d+)$/.exec(header) : null;
  return match?.[1] && match[2] ? { partition: Number(match[1]), offset: match[2] } : null;
}

export class UnknownConsumerError extends Error {
  constructor(consumer: string) {
    super(`unknown consumer "${consumer}" (known: ${consumerNames.join(', ')})`);
    this.name = 'UnknownConsumerError';
  }
}

export function requireConsumer(consumer: string): string {
  if (!(consumerNames as readonly string[]).includes(consumer)) throw new UnknownConsumerError(consumer);
  return consumer;
}

const numberOrNull = (text: string | undefined): number | null =>
  text !== undefined && /^\d+$/.test(text) ? Number(text) : null;

/** What support sees of a dead letter: the failure from its headers and the message, masked. */
export function describeDeadLetter(consumer: string, message: StoredMessage): DeadLetter {
  const h = message.headers;
  const text = message.value?.toString('utf8') ?? '';
  let value: unknown = text;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
    value = parsed;
  } catch {
    // Poison messages are dead-lettered as received: show their (masked) text.
  }
  const eventType = h[headerNames.eventType] ?? (typeof parsed?.type === 'string' ? parsed.type : null);
  const eventId = h[headerNames.eventId] ?? (typeof parsed?.id === 'string' ? parsed.id : null);
  return {
    consumer,
    partition: message.partition,
    offset: message.offset,
    error: maskPersonalData(h[headerNames.error] ?? '(no x-error header)'),
    attempts: numberOrNull(h[headerNames.attempts]),
    failedAt: h[headerNames.failedAt] ?? null,
    original: {
      topic: h[headerNames.originalTopic] ?? '',
      partition: numberOrNull(h[headerNames.originalPartition]),
      offset: h[headerNames.originalOffset] ?? null,
    },
    key: message.key,
    eventId,
    eventType,
    value: maskPersonalData(value),
    redrivenFrom: redrivenFromOf(h[REDRIVEN_FROM_HEADER]),
  };
}

export class NotRedrivableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRedrivableError';
  }
}

/**
 * The record that sends a dead letter back: the original bytes and key to the original topic, with the
 * original headers (event id, trace) and x-replay-target, so only the consumer that failed processes it.
 */
export function redriveRecord(consumer: string, message: StoredMessage, namespace: string): OutgoingRecord {
  const topic = message.headers[headerNames.originalTopic];
  if (!topic) throw new NotRedrivableError('the dead letter has no x-original-topic header');
  // Only back to this environment's topics: a header must not send messages anywhere else.
  if (!topic.startsWith(`${namespace}.`) || topic.startsWith(`${namespace}.dlq.`))
    throw new NotRedrivableError(`original topic "${topic}" is not a topic of namespace ${namespace}`);
  return {
    topic,
    key: message.key,
    value: message.value,
    headers: {
      ...stripDeadLetterHeaders(message.headers),
      [headerNames.replayTarget]: consumer,
      [REDRIVEN_FROM_HEADER]: `${message.partition}/${message.offset}`,
    },
  };
}
