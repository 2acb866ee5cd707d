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

/**
 * Takes up to `limit` accepted webhooks whose sync is not queued yet, oldest first: no longer pending once the
 * caller's transaction commits (a rollback leaves them pending). Rows another replica holds are skipped.
 */
export async function takeSyncPendingWebhooks(tx: Tx, limit: number) {
  // SQL: UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING, one round trip for the claim.
  return tx.$queryRaw<{ id: string; tenantId: string; rawBody: Uint8Array; traceContext: unknown }[]>`
    WITH taken AS (
      UPDATE entrata_webhooks w SET sync_pending = false
        FROM (SELECT id FROM entrata_webhooks WHERE sync_pending ORDER BY received_at LIMIT ${limit}
                FOR UPDATE SKIP LOCKED) pending
       WHERE w.id = pending.id
      RETURNING w.id, w.tenant_id, w.raw_body, w.trace_context, w.received_at)
    SELECT id::text, tenant_id AS "tenantId", raw_body AS "rawBody", trace_context AS "traceContext"
      FROM taken ORDER BY received_at, id`;
}

/** Webhooks taken in this transaction that stay pending after all (a later transaction queues them). */
export const releaseWebhooks = (tx: Tx, ids: string[]) =>
  tx.entrataWebhook.updateMany({ where: { id: { in: ids } }, data: { syncPending: true } });

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
