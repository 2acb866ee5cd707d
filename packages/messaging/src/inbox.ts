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
