/** Webhooks as received (Entrata and the verification platform), stored before they are acknowledged. */
import type { Statement } from '@autoverify/service-kit';
import type { Tx } from '../db.ts';
import { activeTraceJson } from './applications.ts';

export interface NewEntrataWebhook {
  tenantId: string;
  eventId: string;
  event: string;
  entrataApplicationId: string;
  propertyId: string;
  /** The body exactly as received (the signature covers these bytes). */
  rawBody: Uint8Array;
  headers: Record<string, string>;
  status: 'accepted' | 'ignored';
}

/**
 * Stored webhooks wait for the queuer (handlers/webhook-syncs.ts), which LISTENs on this channel in whichever
 * process runs it: the web process's route and the worker's queuer are apart when ingest is split
 * (SERVICE_ROLE). The route NOTIFYs it (notifyWebhookSyncs), throttled.
 */
export const WEBHOOK_SYNC_CHANNEL = 'autoverify_webhook_sync';

/**
 * The new row's id, or undefined when this tenant's event id was stored before (a duplicate). One statement,
 * atomic by itself, so it runs on ctx.db.sql (plain pg, no transaction): an accepted webhook is stored with
 * `sync_pending` and the request's trace, which is all its sync needs (the queuer in
 * handlers/webhook-syncs.ts enqueues it).
 */
export async function insertEntrataWebhook(
  sql: Statement,
  webhook: NewEntrataWebhook,
): Promise<string | undefined> {
  // SQL: ON CONFLICT DO NOTHING RETURNING (createMany cannot return the generated id).
  const [row] = await sql<{ id: string }>`
    INSERT INTO entrata_webhooks (tenant_id, event_id, event, entrata_application_id, property_id, raw_body, headers, status, sync_pending, trace_context)
    VALUES (${webhook.tenantId}, ${webhook.eventId}, ${webhook.event}, ${webhook.entrataApplicationId}, ${webhook.propertyId},
            ${webhook.rawBody}::bytea, ${JSON.stringify(webhook.headers)}::jsonb, ${webhook.status},
            ${webhook.status === 'accepted'}, ${activeTraceJson()}::jsonb)
    ON CONFLICT (tenant_id, event_id) DO NOTHING
    RETURNING id::text`;
  return row?.id;
}

/** Wakes the queuers LISTENing in any process of this database (one statement of its own, at once). */
export async function notifyWebhookSyncs(sql: Statement): Promise<void> {
  // SQL: pg_notify, as text (pg returns void).
  await sql`SELECT pg_notify(${WEBHOOK_SYNC_CHANNEL}, '')::text`;
}

/**
 * Takes, of the `limit` oldest accepted webhooks whose sync is not queued yet, those the queuer can deal with
 * now: every webhook of an application waiting for its queued sync, and per tenant those of the oldest other
 * application (planWebhookSyncs queues one sync per tenant per transaction). The others stay pending, unwritten
 * (taking and releasing them again in every transaction would rewrite a backlog's rows once per application).
 * The flag is read here without a lock: the caller checks it again under one (lockWaitingApplications). No
 * longer pending once the caller's transaction commits (a rollback leaves them pending); rows another replica
 * holds are skipped. `more`: pending webhooks were left, or the limit was reached.
 */
export async function takeSyncPendingWebhooks(sql: Statement, limit: number) {
  // SQL: FOR UPDATE OF ... SKIP LOCKED, a window function and UPDATE ... FROM ... RETURNING, in one round trip.
  const rows = await sql<{
    id: string;
    tenantId: string;
    rawBody: Uint8Array;
    traceContext: unknown;
    considered: number;
  }>`
    WITH pending AS (
      SELECT w.id, w.tenant_id, w.entrata_application_id, w.received_at,
             COALESCE(a.webhook_sync_waiting, false) AS waiting
        FROM entrata_webhooks w
        LEFT JOIN applications a
          ON a.tenant_id = w.tenant_id AND a.entrata_application_id = w.entrata_application_id
       WHERE w.sync_pending
       ORDER BY w.received_at LIMIT ${limit}::int
         FOR UPDATE OF w SKIP LOCKED),
    chosen AS (
      SELECT id, waiting OR entrata_application_id IS NOT DISTINCT FROM
               first_value(entrata_application_id) OVER (PARTITION BY tenant_id ORDER BY waiting, received_at) AS take
        FROM pending),
    taken AS (
      UPDATE entrata_webhooks w SET sync_pending = false
        FROM chosen c
       WHERE w.id = c.id AND c.take
      RETURNING w.id, w.tenant_id, w.raw_body, w.trace_context, w.received_at)
    SELECT id::text, tenant_id AS "tenantId", raw_body AS "rawBody", trace_context AS "traceContext",
           (SELECT count(*) FROM pending)::int AS considered
      FROM taken ORDER BY received_at, id`;
  const considered = rows[0]?.considered ?? 0;
  return { rows, more: considered === limit || considered > rows.length };
}

/** Webhooks taken in this transaction that stay pending after all (a later transaction queues them). */
export async function releaseWebhooks(sql: Statement, ids: string[]): Promise<void> {
  // SQL: in the queuer's plain-pg transaction, beside takeSyncPendingWebhooks.
  await sql`UPDATE entrata_webhooks SET sync_pending = true WHERE id = ANY(${ids}::uuid[])`;
}

/** True when new; false when the same bytes were stored before (a duplicate). */
export async function insertPlatformWebhook(
  tx: Tx,
  webhook: { dedupeKey: string; code: string; rawBody: Uint8Array },
): Promise<boolean> {
  const { dedupeKey, code } = webhook;
  const { count } = await tx.platformWebhook.createMany({
    data: [{ dedupeKey, code, rawBody: new Uint8Array(webhook.rawBody), status: 'pending' }],
    skipDuplicates: true,
  });
  return count === 1;
}

export const findPlatformWebhook = (tx: Tx, dedupeKey: string) =>
  tx.platformWebhook.findUnique({ where: { dedupeKey } });

export const finishPlatformWebhook = (
  tx: Tx,
  dedupeKey: string,
  outcome: { status: 'processed' | 'ignored' | 'failed'; reason?: string; attempts: number; at: Date },
) =>
  tx.platformWebhook.update({
    where: { dedupeKey },
    data: {
      status: outcome.status,
      failureReason: outcome.reason ?? null,
      processedAt: outcome.at,
      attempts: outcome.attempts,
    },
  });

/** A run that must wait (its mapping has not arrived): how many runs so far and why. */
export const recordPlatformWebhookWait = (tx: Tx, dedupeKey: string, attempts: number, reason: string) =>
  tx.platformWebhook.update({ where: { dedupeKey }, data: { attempts, failureReason: reason } });
