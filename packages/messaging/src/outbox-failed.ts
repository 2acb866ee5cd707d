/**
 * Outbox rows the relay cannot publish (e.g. an event larger than the broker's max.message.bytes) are set
 * aside in `outbox_failed`, so the rest of the outbox keeps flowing for every tenant.
 *
 * Per-key order: the later rows of the same topic and key are HELD in the outbox (not published, not set
 * aside) while a row of that key is set aside. Publishing them would let them overtake the set-aside event
 * silently (a consumer would see "reminder cancelled" without the "scheduled" before it); setting them aside
 * too would only move the same wait into support's list. Held rows wait until support requeues the failed
 * row (after fixing the cause, e.g. the broker limit) or discards it; both release the key.
 */

import { EventSealError } from './event-crypto.ts';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox.ts';
import type { Sql } from './sql.ts';

/** Publishing attempts of one row that failed with a row-specific error before it is set aside. */
export const MAX_PUBLISH_ATTEMPTS = 3;

/**
 * Errors that belong to the record, not to the broker's state: retrying the same bytes can never succeed.
 * Anything else (broker down, leader moving, timeouts) stops the relay and is retried with backoff, so an
 * outage never sets rows aside.
 */
const ROW_ERROR_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);

/** A row we cannot even turn into a Kafka record (its stored envelope is not an event). */
export class UnpublishableRowError extends Error {
  override name = 'UnpublishableRowError';
}

/** True when `error` (or what it wraps) says that this record cannot be published. */
export function isRowError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    // A tenant without a key in the keyring: set its rows aside (visible) rather than stop every tenant.
    if (e instanceof UnpublishableRowError || e instanceof EventSealError) return true;
    const { type, cause, originalError } = e as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof type === 'string' && ROW_ERROR_TYPES.has(type)) return true;
    e = cause ?? originalError;
  }
  return false;
}

/**
 * The unpublished rows in order, without those held behind a set-aside row of their topic and key, and none
 * unless the transaction-local setting `lockedSetting` says that this transaction holds the relay's lock
 * (relay-batch.ts; a one-time filter: nothing is scanned without it). `outbox.id`, not the text alias `id`:
 * ordering by the text would publish id 10 before id 9.
 */
export function selectPublishable(limit: number, lockedSetting: string): string {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`batch size ${limit}: a positive integer`);
  return `
  SELECT o.id::text AS id, o.event_id::text AS event_id, o.topic, o.key, o.event_type, o.envelope::text AS envelope
    FROM outbox o
   WHERE o.published_at IS NULL
     AND current_setting('${lockedSetting}', true) = 'true'
     AND NOT EXISTS (SELECT 1 FROM outbox_failed f WHERE f.topic = o.topic AND f.key = o.key)
   ORDER BY o.id
   LIMIT ${limit}`;
}

/** Moves one unpublished row to outbox_failed with the error; false when it was no longer there. */
export async function setAsideRow(sql: Sql, id: string, attempts: number, error: string): Promise<boolean> {
  const moved = await sql.query(
    `WITH moved AS (DELETE FROM outbox WHERE id = $1::bigint AND published_at IS NULL RETURNING *)
     INSERT INTO outbox_failed (id, event_id, topic, key, event_type, envelope, created_at, attempts, error)
     SELECT id, event_id, topic, key, event_type, envelope, created_at, $2, $3 FROM moved
     RETURNING id`,
    [id, attempts, error],
  );
  return moved.length === 1;
}

export interface FailedOutboxRow {
  id: string;
  eventId: string;
  topic: string;
  key: string;
  eventType: string;
  createdAt: Date;
  attempts: number;
  error: string;
  failedAt: Date;
  /** Unpublished rows of the same topic and key waiting behind this one. */
  held: number;
}

/** The set-aside rows, oldest first, with how many later events of their key wait (for support). */
export async function listFailedOutbox(sql: Sql, limit = 100): Promise<FailedOutboxRow[]> {
  const rows = await sql.query<Omit<FailedOutboxRow, 'held'> & { held: number }>(
    `SELECT f.id::text AS "id", f.event_id::text AS "eventId", f.topic, f.key, f.event_type AS "eventType",
            f.created_at AS "createdAt", f.attempts, f.error, f.failed_at AS "failedAt",
            (SELECT count(*)::int FROM outbox o
              WHERE o.topic = f.topic AND o.key = f.key AND o.published_at IS NULL) AS held
       FROM outbox_failed f ORDER BY f.id LIMIT $1`,
    [limit],
  );
  return rows;
}

/**
 * Puts a set-aside row back into the outbox with its original id, so it is published before the rows held
 * behind it; the relays are NOTIFYed at commit. False when there is no such row.
 */
export async function requeueFailedOutbox(sql: Sql, id: string): Promise<boolean> {
  const moved = await sql.query(
    `WITH moved AS (DELETE FROM outbox_failed WHERE id = $1::bigint RETURNING *),
          added AS (INSERT INTO outbox (id, event_id, topic, key, event_type, envelope, created_at)
                    SELECT id, event_id, topic, key, event_type, envelope, created_at FROM moved
                    RETURNING id)
     SELECT id, pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '')::text AS notified FROM added`,
    [id],
  );
  return moved.length === 1;
}

/** Drops a set-aside row for good (its event is never published); the rows held behind it flow again. */
export async function discardFailedOutbox(sql: Sql, id: string): Promise<boolean> {
  // The relays LISTEN: the rows held behind this one go out at once.
  const gone = await sql.query(
    `WITH gone AS (DELETE FROM outbox_failed WHERE id = $1::bigint RETURNING id)
     SELECT id, pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '')::text AS notified FROM gone`,
    [id],
  );
  return gone.length === 1;
}
