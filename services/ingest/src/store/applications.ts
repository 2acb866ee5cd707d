/**
 * The applications ingest has read from Entrata and the webhooks that asked for them. The statements of a
 * sync's path, run for every webhook (the queuer's markSyncPending and lockWaitingApplications, reconciliation's
 * findApplications, the sync job's startSyncRead, lockApplication, saveSnapshot, markWebhooks and
 * recordSyncFailed), take a Statement and run on plain pg: ctx.db.sql, or a ctx.db.transaction's `tx.sql`
 * (through Prisma's interactive transaction each statement cost about 1 ms of CPU, docs/architecture.md "Data
 * access rules"). The others take Prisma's transaction (or, for a read outside one, ctx.db.client) first.
 */
import type { Statement } from '@autoverify/service-kit';
import { injectTraceContext, type TraceCarrier } from '@autoverify/telemetry';
import type { Tx } from '../db.ts';
import { type ApplicationRef, applicationKey } from '../domain/webhook-sync-plan.ts';
import type { SyncApplicationData } from '../jobs.ts';

type SyncIds = Pick<
  SyncApplicationData,
  'tenantId' | 'entrataApplicationId' | 'propertyId' | 'leadId' | 'source'
>;

/**
 * The active trace context, stored with an application: every insert stores it and a conflict keeps the
 * stored one, so an application's trace is the one it was first seen in. Undefined without a trace.
 */
function activeTraceContext(): TraceCarrier | undefined {
  const carrier = injectTraceContext();
  return carrier.traceparent ? carrier : undefined;
}

/** The same as jsonb text for raw SQL (null without a trace). */
export const activeTraceJson = (): string | null => {
  const carrier = activeTraceContext();
  return carrier ? JSON.stringify(carrier) : null;
};

/** A stored trace context read back; anything else (absent, malformed) is no context. */
export function storedTraceContext(value: unknown): TraceCarrier | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { traceparent, tracestate } = value as Record<string, unknown>;
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** The stored trace context of an application (by its id), for work that belongs to it. */
export async function applicationTraceContext(
  tx: Tx,
  applicationId: string,
): Promise<TraceCarrier | undefined> {
  const row = await tx.application.findUnique({ where: { applicationId }, select: { traceContext: true } });
  return storedTraceContext(row?.traceContext);
}

/**
 * Records that a sync is on its way (visible to support at once); a failed application is pending again. A
 * webhook's sync also makes the application wait for it (webhook_sync_waiting, see lockWaitingApplications).
 * A reconciliation sync does not: its job key absorbs a repeat while one is queued or running, and a webhook
 * waiting for a sync that was already running would never be answered.
 */
export async function markSyncPending(sql: Statement, job: SyncIds, applicationId: string): Promise<void> {
  const waiting = job.source === 'webhook';
  // SQL: a conditional ON CONFLICT ... DO UPDATE (keep the status unless it was failed).
  await sql`
    INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status, last_source, trace_context, webhook_sync_waiting)
    VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationId}::uuid, ${job.propertyId}, ${job.leadId ?? null}, 'pending', ${job.source},
            ${activeTraceJson()}::jsonb, ${waiting}::boolean)
    ON CONFLICT (tenant_id, entrata_application_id) DO UPDATE
      SET status = CASE WHEN applications.status = 'failed' THEN 'pending' ELSE applications.status END,
          lead_id = COALESCE(applications.lead_id, EXCLUDED.lead_id),
          trace_context = COALESCE(applications.trace_context, EXCLUDED.trace_context),
          webhook_sync_waiting = applications.webhook_sync_waiting OR EXCLUDED.webhook_sync_waiting,
          updated_at = now()`;
}

/** What the queuer learns, under the row locks, about the applications of the webhooks it took. */
export interface LockedApplications {
  /** applicationKey of each application waiting for a queued webhook sync that has not started its read. */
  waiting: Set<string>;
  /** applicationKey -> ms until a read may start (ENTRATA_REREAD_SPACING_MS after the last stored one). */
  readDueInMs: Map<string, number>;
}

/**
 * Locks these applications' rows (those that exist) until the caller commits, and says which wait for a
 * queued webhook sync that has not started its read, and how long until each may be read again (`spacingMs`
 * after its last stored read started, on the database's clock, the clock that stored it). startSyncRead
 * waits for that commit, so a sync's read starts after every webhook the caller lets wait for it was taken
 * (markWebhooks then answers them). Locked in "C" order, the order reconciliation writes them in, so the two
 * wait for each other, not deadlock (two of them creating the same new rows in the same instant still could:
 * PostgreSQL aborts one, run again).
 */
export async function lockWaitingApplications(
  sql: Statement,
  refs: ApplicationRef[],
  spacingMs: number,
): Promise<LockedApplications> {
  if (refs.length === 0) return { waiting: new Set(), readDueInMs: new Map() };
  // SQL: FOR UPDATE, pairs of ids as two arrays (unnest), and interval arithmetic on the database's clock.
  const rows = await sql<ApplicationRef & { waiting: boolean; dueInMs: number }>`
    SELECT tenant_id AS "tenantId", entrata_application_id AS "entrataApplicationId", webhook_sync_waiting AS waiting,
           COALESCE(EXTRACT(EPOCH FROM last_read_at + ${spacingMs}::int * interval '1 millisecond' - clock_timestamp()) * 1000,
                    0)::float8 AS "dueInMs"
      FROM applications
     WHERE (tenant_id, entrata_application_id) IN
             (SELECT * FROM unnest(${refs.map((r) => r.tenantId)}::text[], ${refs.map((r) => r.entrataApplicationId)}::text[]))
     ORDER BY tenant_id COLLATE "C", entrata_application_id COLLATE "C"
       FOR UPDATE`;
  return {
    waiting: new Set(rows.filter((row) => row.waiting).map(applicationKey)),
    readDueInMs: new Map(
      rows.filter((row) => row.dueInMs > 0).map((row) => [applicationKey(row), row.dueInMs]),
    ),
  };
}

/** A sync that ended failed: an application never published becomes failed; a published one keeps its status. */
export async function recordSyncFailed(
  sql: Statement,
  job: SyncIds,
  applicationId: string,
  reason: string,
): Promise<void> {
  // SQL: a conditional ON CONFLICT ... DO UPDATE (the status depends on the stored row), in the sync's
  // plain-pg transaction (see the top of this file).
  await sql`
    INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status, failure_reason, last_source, trace_context)
    VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationId}::uuid,
            ${job.propertyId}, ${job.leadId ?? null}, 'failed', ${reason}, ${job.source}, ${activeTraceJson()}::jsonb)
    ON CONFLICT (tenant_id, entrata_application_id) DO UPDATE
      SET status = CASE WHEN applications.content_hash IS NULL THEN 'failed' ELSE applications.status END,
          trace_context = COALESCE(applications.trace_context, EXCLUDED.trace_context),
          failure_reason = EXCLUDED.failure_reason, last_source = EXCLUDED.last_source, updated_at = now()`;
}

/**
 * A sync starts its Entrata read: the application no longer waits for a sync (a webhook taken from now on
 * queues its own), and the database's clock as text (keeps its microseconds) is when the read started, in
 * an order comparable across replicas. If a queuer holds the row (lockWaitingApplications), this waits for
 * its commit, so the webhooks it let wait were received before the time returned here. Every attempt, first
 * thing: a sync that ends early, fails or is retried leaves no application waiting for nothing.
 */
export async function startSyncRead(sql: Statement, job: ApplicationRef): Promise<string> {
  // SQL: clock_timestamp() has no model API; the scalar sub-select makes the clock wait for the UPDATE. One
  // statement, atomic by itself: ctx.db.sql.
  const [row] = await sql<{ t: string }>`
    WITH cleared AS (
      UPDATE applications SET webhook_sync_waiting = false
       WHERE tenant_id = ${job.tenantId} AND entrata_application_id = ${job.entrataApplicationId}
         AND webhook_sync_waiting
      RETURNING clock_timestamp() AS t)
    SELECT COALESCE((SELECT t FROM cleared), clock_timestamp())::text AS t`;
  return (row as { t: string }).t;
}

/**
 * Creates the application row if missing and locks it until commit. `stale`: a newer read than the one that
 * started at `readStartedAt` is already stored.
 */
export async function lockApplication(
  sql: Statement,
  job: SyncIds,
  applicationId: string,
  readStartedAt: string,
): Promise<{ contentHash: string | null; stale: boolean } | undefined> {
  // SQL: the sync's plain-pg transaction (see the top of this file); the row lock (FOR UPDATE) has no model API.
  await sql`
    INSERT INTO applications (tenant_id, entrata_application_id, application_id, property_id, lead_id, status,
                              last_source, trace_context)
    VALUES (${job.tenantId}, ${job.entrataApplicationId}, ${applicationId}::uuid, ${job.propertyId},
            ${job.leadId ?? null}, 'pending', ${job.source}, ${activeTraceJson()}::jsonb)
    ON CONFLICT DO NOTHING`;
  const [row] = await sql<{ content_hash: string | null; stale: boolean }>`
    SELECT content_hash, COALESCE(last_read_at > ${readStartedAt}::timestamptz, false) AS stale
      FROM applications
     WHERE tenant_id = ${job.tenantId} AND entrata_application_id = ${job.entrataApplicationId}
       FOR UPDATE`;
  return row ? { contentHash: row.content_hash, stale: row.stale } : undefined;
}

/**
 * Stores a successful read (snapshot, hash, read time); counts a publication when `published`. An
 * application first seen without a trace (a request the SDK did not trace) takes the trace of the read that
 * publishes it.
 */
export async function saveSnapshot(
  sql: Statement,
  job: SyncIds,
  read: { hash: string; snapshot: object; readStartedAt: string; published: boolean },
): Promise<void> {
  // SQL: now() and COALESCE with the stored lead id, in the database's clock like the other timestamps.
  await sql`
    UPDATE applications
       SET status = 'synced', failure_reason = NULL, content_hash = ${read.hash},
           snapshot = ${JSON.stringify(read.snapshot)}::jsonb, lead_id = COALESCE(${job.leadId ?? null}, lead_id),
           last_source = ${job.source}, last_synced_at = now(), last_read_at = ${read.readStartedAt}::timestamptz,
           last_published_at = CASE WHEN ${read.published}::boolean THEN now() ELSE last_published_at END,
           publish_count = publish_count + ${read.published ? 1 : 0}::int,
           trace_context = COALESCE(trace_context, ${activeTraceJson()}::jsonb), updated_at = now()
     WHERE tenant_id = ${job.tenantId} AND entrata_application_id = ${job.entrataApplicationId}`;
}

/**
 * The webhooks a sync answered: those received before its Entrata read started (that read saw what they
 * announced), including every webhook that waited for this sync instead of queuing its own (startSyncRead
 * took the read's start after they were taken). Later ones keep their status: a webhook taken after
 * startSyncRead found the application no longer waiting and queued a sync of its own.
 */
export async function markWebhooks(
  sql: Statement,
  job: ApplicationRef,
  status: 'processed' | 'failed',
  readStartedAt: string,
  reason?: string,
): Promise<void> {
  // SQL: compares with a microsecond timestamp text.
  // A webhook whose sync is not queued yet is left to that sync: the queuer holds its row while it takes
  // the application's row, which this transaction holds (waiting for it here would be a deadlock).
  await sql`
    UPDATE entrata_webhooks
       SET status = ${status}, failure_reason = ${reason ?? null}, processed_at = now()
     WHERE tenant_id = ${job.tenantId} AND entrata_application_id = ${job.entrataApplicationId}
       AND status IN ('accepted', 'failed') AND NOT sync_pending
       AND received_at <= ${readStartedAt}::timestamptz`;
}

/** What the reconciliation poll needs to know about applications it found. */
export const findApplications = (sql: Statement, tenantId: string, entrataApplicationIds: string[]) =>
  // SQL: in the poll's plain-pg transaction, beside enqueueSync's statements.
  sql<{
    entrataApplicationId: string;
    status: string;
    updatedAt: Date;
    contentHash: string | null;
    traceContext: unknown;
  }>`
    SELECT entrata_application_id AS "entrataApplicationId", status, updated_at AS "updatedAt",
           content_hash AS "contentHash", trace_context AS "traceContext"
      FROM applications
     WHERE tenant_id = ${tenantId} AND entrata_application_id = ANY(${entrataApplicationIds}::text[])`;
