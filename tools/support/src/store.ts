import { randomUUID } from 'node:crypto';
import type { EventDefinition, EventOf } from '@autoverify/contracts';
import type { SqlText } from '@autoverify/messaging';
import { type SqlTransaction, sqlText } from '@autoverify/service-kit';
import type { Prisma, Tx } from './db.ts';
import { factsOf, type Outcome } from './domain/events.ts';
import type { ReplayScope, StoredEnvelope } from './domain/replay.ts';

export interface TimelineEntry {
  eventId: string;
  occurredAt: string;
  service: string;
  type: string;
  version: number;
  outcome: Outcome;
  summary: string;
  traceId: string | null;
  tenantId: string;
  applicationId: string;
  entrataApplicationId: string | null;
  topic: string;
  partition: number;
  offset: string;
  /** Set when this delivery was a support replay (the first one seen is stored). */
  replay: { replayId: string; requestedBy: string } | null;
  payload: Record<string, unknown>;
}

/** Consumed events with the messages they came in, as the timeline stores them. */
type TimelineEntries = readonly {
  event: EventOf<EventDefinition>;
  message: { topic: string; partition: number; offset: string };
}[];

/**
 * The timeline's INSERT of these events; a second copy (redelivery, replay) changes nothing. With
 * `onlyClaimed`, only the events in the consumer's `claimed` CTE (messaging's Projection).
 */
export function timelineInsert(entries: TimelineEntries, onlyClaimed = false): SqlText {
  const rows = entries.map(({ event, message }) => ({
    event,
    message,
    facts: factsOf({
      type: event.type,
      traceparent: event.traceparent,
      payload: event.payload as Record<string, unknown>,
    }),
  }));
  const column = <T>(of: (row: (typeof rows)[number]) => T): T[] => rows.map(of);
  // SQL: the hottest write of the console (every event on every topic), on plain pg: through Prisma it cost
  // several times the INSERT itself in CPU, and one INSERT per event several times one per batch
  // (e2e/bench/README.md, h-support and 2026-12-07 fourth session).
  const insert = sqlText`
    INSERT INTO timeline_events (event_id, type, version, tenant_id, correlation_id, entrata_application_id,
                                 occurred_at, service, outcome, trace_id, topic, partition, "offset", envelope)
    SELECT e.event_id, e.type, e.version, e.tenant_id, e.correlation_id, e.entrata_application_id,
           e.occurred_at, e.service, e.outcome, e.trace_id, e.topic, e.partition, e."offset", e.envelope::jsonb
      FROM unnest(${column((r) => r.event.id)}::uuid[], ${column((r) => r.event.type)}::text[],
                  ${column((r) => r.event.version)}::int[], ${column((r) => r.event.tenantId)}::text[],
                  ${column((r) => r.event.correlationId)}::text[],
                  ${column((r) => r.facts.entrataApplicationId)}::text[],
                  ${column((r) => r.event.occurredAt)}::timestamptz[], ${column((r) => r.facts.service)}::text[],
                  ${column((r) => r.facts.outcome)}::text[], ${column((r) => r.facts.traceId)}::text[],
                  ${column((r) => r.message.topic)}::text[], ${column((r) => r.message.partition)}::int[],
                  ${column((r) => r.message.offset)}::bigint[], ${column((r) => JSON.stringify(r.event))}::text[])
        AS e(event_id, type, version, tenant_id, correlation_id, entrata_application_id, occurred_at, service,
             outcome, trace_id, topic, partition, "offset", envelope)`;
  const where = onlyClaimed ? ' WHERE e.event_id IN (SELECT event_id FROM claimed)' : '';
  return { text: `${insert.text}${where} ON CONFLICT (event_id) DO NOTHING`, values: insert.values };
}

/** Stores consumed events in the projection, in one statement of tx. */
export async function recordTimelineEvents(
  tx: Pick<SqlTransaction, 'query'>,
  entries: TimelineEntries,
): Promise<void> {
  if (entries.length === 0) return;
  const { text, values } = timelineInsert(entries);
  await tx.query(text, values);
}

type Row = Awaited<ReturnType<Tx['timelineEvent']['findMany']>>[number];

function entryOf(row: Row): TimelineEntry {
  const envelope = row.envelope as unknown as StoredEnvelope;
  return {
    eventId: row.eventId,
    occurredAt: row.occurredAt.toISOString(),
    service: row.service,
    type: row.type,
    version: row.version,
    outcome: row.outcome as Outcome,
    summary: factsOf({ type: row.type, payload: envelope.payload }).summary,
    traceId: row.traceId,
    tenantId: row.tenantId,
    applicationId: row.correlationId,
    entrataApplicationId: row.entrataApplicationId,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset.toString(),
    replay: envelope.replay ?? null,
    payload: envelope.payload,
  };
}

// Same instant: the order the events were recorded in (per application, the order of its partition).
const chronological = [
  { occurredAt: 'asc' as const },
  { recordedAt: 'asc' as const },
  { offset: 'asc' as const },
];

export async function timelineOf(tx: Tx, applicationId: string): Promise<TimelineEntry[]> {
  const rows = await tx.timelineEvent.findMany({
    where: { correlationId: applicationId },
    orderBy: chronological,
  });
  return rows.map(entryOf);
}

/** The original envelopes in a replay's scope, oldest first; at most `limit` + 1 so callers can refuse. */
export async function envelopesIn(tx: Tx, scope: ReplayScope, limit: number): Promise<StoredEnvelope[]> {
  const where: Prisma.TimelineEventWhereInput =
    'applicationId' in scope
      ? { correlationId: scope.applicationId }
      : { tenantId: scope.tenantId, occurredAt: { gte: new Date(scope.from), lt: new Date(scope.to) } };
  const rows = await tx.timelineEvent.findMany({
    where,
    orderBy: chronological,
    select: { envelope: true },
    take: limit + 1,
  });
  return rows.map((r) => r.envelope as unknown as StoredEnvelope);
}

export interface ReplayRecord {
  id: string;
  requestedBy: string;
  reason: string;
  scope: ReplayScope;
  target: string | null;
  dryRun: boolean;
  eventCount: number;
  eventIds: string[];
  createdAt: string;
}

export async function recordReplay(
  tx: Tx,
  replay: Omit<ReplayRecord, 'createdAt' | 'id'> & { id?: string },
): Promise<ReplayRecord> {
  const row = await tx.replay.create({
    data: {
      id: replay.id ?? randomUUID(),
      requestedBy: replay.requestedBy,
      reason: replay.reason,
      scope: replay.scope as unknown as Prisma.InputJsonValue,
      target: replay.target,
      dryRun: replay.dryRun,
      eventCount: replay.eventCount,
      eventIds: replay.eventIds,
    },
  });
  return replayOf(row);
}

function replayOf(row: Awaited<ReturnType<Tx['replay']['create']>>): ReplayRecord {
  return {
    id: row.id,
    requestedBy: row.requestedBy,
    reason: row.reason,
    scope: row.scope as unknown as ReplayScope,
    target: row.target,
    dryRun: row.dryRun,
    eventCount: row.eventCount,
    eventIds: row.eventIds,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listReplays(tx: Tx, limit: number): Promise<ReplayRecord[]> {
  const rows = await tx.replay.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
  return rows.map(replayOf);
}

export interface AuditInput {
  actor: string;
  action: string;
  target: string;
  reason?: string | null;
  detail?: Record<string, unknown>;
}

export async function audit(tx: Tx, entry: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      reason: entry.reason ?? null,
      ...(entry.detail ? { detail: entry.detail as Prisma.InputJsonValue } : {}),
    },
  });
}

/** The latest audit entries, newest first; only one action's (e.g. timeline.unmask) when given. */
export async function listAudit(tx: Tx, limit: number, action?: string) {
  const rows = await tx.auditEntry.findMany({
    ...(action ? { where: { action } } : {}),
    orderBy: { id: 'desc' },
    take: limit,
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    reason: r.reason,
    detail: r.detail,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Redrives of one dead letter so far. */
export async function redrivesOf(tx: Tx, consumer: string, partition: number, offset: string) {
  return tx.deadLetterRedrive.findMany({
    where: { consumer, partition, offset: BigInt(offset) },
    orderBy: { number: 'asc' },
  });
}

export async function redrivesFor(tx: Tx, consumer: string) {
  const rows = await tx.deadLetterRedrive.findMany({ where: { consumer }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    partition: r.partition,
    offset: r.offset.toString(),
    number: r.number,
    requestedBy: r.requestedBy,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
  }));
}

export interface RedriveInput {
  consumer: string;
  partition: number;
  offset: string;
  number: number;
  eventId: string | null;
  eventType: string | null;
  originalTopic: string;
  requestedBy: string;
  reason: string;
}

/** Records a redrive; the unique (consumer, partition, offset, number) makes a concurrent twin fail (P2002). */
export const recordRedrive = (tx: Tx, redrive: RedriveInput) =>
  tx.deadLetterRedrive.create({ data: { ...redrive, offset: BigInt(redrive.offset) } });
