import { consumerNames, type EnvelopeHeader, topicOfEvent } from '@autoverify/contracts';
import {
  eventHeaders,
  eventKeyOf,
  headerNames,
  type OutgoingRecord,
  validateEvent,
} from '@autoverify/messaging';

export type ReplayScope = { applicationId: string } | { tenantId: string; from: string; to: string };

/** Longest tenant time range one replay may cover; wider ones are split, so a typo cannot flood the topics. */
export const MAX_RANGE_DAYS = 31;
/** Most events one replay may send. */
export const MAX_REPLAY_EVENTS = 20_000;

export class ReplayRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayRequestError';
  }
}

/** Checks a tenant range (ISO times, from < to, at most MAX_RANGE_DAYS) and the target consumer. */
export function validateReplayRequest(scope: ReplayScope, target: string | undefined): void {
  if (target !== undefined && !(consumerNames as readonly string[]).includes(target))
    throw new ReplayRequestError(`unknown consumer "${target}" (known: ${consumerNames.join(', ')})`);
  if ('applicationId' in scope) return;
  const from = Date.parse(scope.from);
  const to = Date.parse(scope.to);
  if (Number.isNaN(from)) throw new ReplayRequestError(`from "${scope.from}" is not an ISO date-time`);
  if (Number.isNaN(to)) throw new ReplayRequestError(`to "${scope.to}" is not an ISO date-time`);
  if (from >= to) throw new ReplayRequestError('from must be before to');
  if (to - from > MAX_RANGE_DAYS * 86_400_000)
    throw new ReplayRequestError(`a replay covers at most ${MAX_RANGE_DAYS} days; split the range`);
}

export interface StoredEnvelope extends EnvelopeHeader {
  payload: Record<string, unknown>;
}

/**
 * The record that re-publishes an original envelope: same event id (so inboxes recognise it), same topic
 * and key (so it lands in order on the application's partition), marked with the replay; aimed at one
 * consumer with the x-replay-target header, which every other consumer skips.
 */
export function replayRecord(
  envelope: StoredEnvelope,
  replay: { replayId: string; requestedBy: string },
  target: string | undefined,
  topicName: (topic: { name: string }) => string,
): OutgoingRecord {
  const { event, definition } = validateEvent({ ...envelope, replay });
  return {
    topic: topicName(topicOfEvent(event.type)),
    key: eventKeyOf(definition, event.payload as Record<string, unknown>),
    value: JSON.stringify(event),
    headers: { ...eventHeaders(event), ...(target ? { [headerNames.replayTarget]: target } : {}) },
  };
}
