import type { Sql } from './sql.ts';

/**
 * Which of `eventIds` the consumer has in its inbox, i.e. processed (or acknowledged as a duplicate) and
 * would therefore skip when they arrive again, as in a replay. Read-only; ids are UUIDs (the inbox's type).
 */
export async function processedEventIds(
  sql: Sql,
  consumer: string,
  eventIds: readonly string[],
): Promise<string[]> {
  if (eventIds.length === 0) return [];
  const rows = await sql.query<{ event_id: string }>(
    'SELECT event_id::text AS event_id FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])',
    [consumer, [...eventIds]],
  );
  return rows.map((r) => r.event_id);
}

/**
 * The INSERT that claims the events' inbox rows, its three values numbered from `first` (inboxClaimValues),
 * returning the ids claimed now (uuid). Rows go in id order so two transactions claiming overlapping events
 * (a rebalance) take their locks in the same order.
 */
export const inboxClaimSql = (first: number) => `
  INSERT INTO inbox (consumer, event_id, event_type)
  SELECT $${first}, e.id, e.type FROM unnest($${first + 1}::uuid[], $${first + 2}::text[]) AS e(id, type) ORDER BY e.id
  ON CONFLICT DO NOTHING RETURNING event_id`;

export const inboxClaimValues = (consumer: string, events: readonly { id: string; type: string }[]) => [
  consumer,
  events.map((e) => e.id),
  events.map((e) => e.type),
];

/** Per event, whether its id is among the claimed ones (an id twice in one claim: only the first). */
export function claimedFlags(
  events: readonly { id: string }[],
  rows: readonly { event_id: string }[],
): boolean[] {
  // PostgreSQL answers in its canonical (lower-case) form; the envelope's format check accepts either case.
  const claimed = new Set(rows.map((r) => r.event_id));
  return events.map((e) => claimed.delete(e.id.toLowerCase()));
}

/**
 * Claims the events' inbox rows in one statement; for each event, whether it was claimed now, i.e. never
 * processed before (a fetch carrying one id twice, a redelivery, claims only the first).
 */
export async function claimInbox(
  sql: Sql,
  consumer: string,
  events: readonly { id: string; type: string }[],
): Promise<boolean[]> {
  const rows = await sql.query<{ event_id: string }>(
    `WITH claimed AS (${inboxClaimSql(1)}) SELECT event_id::text AS event_id FROM claimed`,
    inboxClaimValues(consumer, events),
  );
  return claimedFlags(events, rows);
}
