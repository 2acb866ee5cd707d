import { randomUUID } from 'node:crypto';
import {
  type EventDefinition,
  type EventOf,
  eventKey,
  type PayloadOf,
  parseEvent,
} from '@autoverify/contracts';
import { InvalidEventError } from './errors.ts';
import { captureTraceContext } from './tracing.ts';

export interface EventMeta {
  tenantId: string;
  /** Our application id: one journey, one id. */
  correlationId: string;
  /** Id of the event that caused this one. */
  causationId?: string;
}

export interface BuildOptions {
  id?: string;
  now?: Date;
}

/**
 * A new envelope for def with a fresh id and the active trace context, validated against its contract:
 * an invalid event throws InvalidEventError here, so it never reaches the outbox or Kafka.
 */
export function buildEvent<D extends EventDefinition>(
  def: D,
  payload: PayloadOf<D>,
  meta: EventMeta,
  options: BuildOptions = {},
): EventOf<D> {
  const candidate: Record<string, unknown> = {
    id: options.id ?? randomUUID(),
    type: def.type,
    version: def.version,
    occurredAt: (options.now ?? new Date()).toISOString(),
    tenantId: meta.tenantId,
    correlationId: meta.correlationId,
    ...(meta.causationId === undefined ? {} : { causationId: meta.causationId }),
    ...captureTraceContext(),
    payload,
  };
  return validateEvent(candidate, def).event as EventOf<D>;
}

/** Checks an existing envelope (e.g. one being replayed) against its contract; def, when given, must match. */
export function validateEvent(
  value: unknown,
  def?: EventDefinition,
): { event: EventOf<EventDefinition>; definition: EventDefinition } {
  const parsed = parseEvent(value);
  const what = def ? `event ${eventKey(def.type, def.version)}` : 'event';
  if (!parsed.ok) throw new InvalidEventError(what, parsed.problems);
  if (def && parsed.definition !== def) {
    throw new InvalidEventError(what, [
      { path: '/type', message: `is not the registered definition of ${eventKey(def.type, def.version)}` },
    ]);
  }
  return { event: parsed.event, definition: parsed.definition };
}

/** Meta for an event caused by another: same tenant and journey, causation = that event. */
export function causedBy(
  event: Pick<EventOf<EventDefinition>, 'id' | 'tenantId' | 'correlationId'>,
): EventMeta {
  return { tenantId: event.tenantId, correlationId: event.correlationId, causationId: event.id };
}

/** The Kafka key of an event: the payload field its definition names (our application id). */
export function eventKeyOf(def: EventDefinition, payload: Record<string, unknown>): string {
  const key = payload[def.key];
  if (typeof key !== 'string' || key === '') {
    throw new InvalidEventError(`event ${eventKey(def.type, def.version)}`, [
      { path: `/payload/${def.key}`, message: 'key field must be a non-empty string' },
    ]);
  }
  return key;
}
