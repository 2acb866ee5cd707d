import type { Tx } from '../db.ts';
import type { Contact, ContactKey } from './contact-key.ts';

/** One application as the search lists it: ids and where it stands, nothing personal. */
export interface ApplicationHit {
  applicationId: string;
  tenantId: string;
  entrataApplicationId: string | null;
  propertyId: string | null;
  events: number;
  failures: number;
  lastEventAt: Date;
}

const LIMIT = 50;

async function hits(tx: Tx, where: string, ...params: unknown[]): Promise<ApplicationHit[]> {
  // `where` is one of the fixed conditions below; values only ever travel as parameters.
  return tx.$queryRawUnsafe<ApplicationHit[]>(
    `SELECT correlation_id AS "applicationId", min(tenant_id) AS "tenantId",
            max(entrata_application_id) AS "entrataApplicationId",
            max(envelope->'payload'->>'propertyId') AS "propertyId",
            count(*)::int AS events, count(*) FILTER (WHERE outcome = 'failed')::int AS failures,
            max(occurred_at) AS "lastEventAt"
       FROM timeline_events
      WHERE correlation_id IN (${where})
      GROUP BY correlation_id ORDER BY max(occurred_at) DESC LIMIT ${LIMIT}`,
    ...params,
  );
}

/** Our id, Entrata's application id (any tenant, or one) or a property id. */
export function findByIds(
  tx: Tx,
  query: { applicationId?: string; entrataApplicationId?: string; tenantId?: string; propertyId?: string },
) {
  if (query.applicationId) return hits(tx, 'SELECT $1::text', query.applicationId);
  if (query.entrataApplicationId)
    return hits(
      tx,
      'SELECT correlation_id FROM timeline_events WHERE entrata_application_id = $1 AND ($2::text IS NULL OR tenant_id = $2)',
      query.entrataApplicationId,
      query.tenantId ?? null,
    );
  if (query.propertyId)
    return hits(
      tx,
      `SELECT correlation_id FROM timeline_events WHERE envelope->'payload'->>'propertyId' = $1
         AND type IN ('ApplicationSubmitted', 'ApplicationReadFailed')`,
      query.propertyId,
    );
  return Promise.resolve([]);
}

/** Applications with an applicant whose email or phone has this keyed hash (see contact-key.ts). */
export function findByContact(tx: Tx, key: ContactKey, contact: Contact) {
  const field = contact.kind === 'email' ? 'email' : 'mobilePhone';
  const stored = contact.kind === 'email' ? `lower(a->>'email')` : `a->>'mobilePhone'`;
  return hits(
    tx,
    `SELECT t.correlation_id FROM timeline_events t,
            jsonb_array_elements(t.envelope->'payload'->'applicants') a
      WHERE t.type = 'ApplicationSubmitted' AND a ? '${field}'
        AND sha256($1::bytea || sha256($2::bytea || convert_to(${stored}, 'UTF8'))) = $3::bytea`,
    key.opad,
    key.ipad,
    key.hash(contact.value),
  );
}

export interface TenantSummary {
  tenantId: string;
  events: number;
  lastEventAt: Date;
}

export function tenants(tx: Tx): Promise<TenantSummary[]> {
  return tx.$queryRaw<TenantSummary[]>`
    SELECT tenant_id AS "tenantId", count(*)::int AS events, max(occurred_at) AS "lastEventAt"
      FROM timeline_events GROUP BY tenant_id ORDER BY tenant_id`;
}

export interface TenantHealth {
  webhooksLastHour: number;
  webhooksLastDay: number;
  lastEntrataRead: Date | null;
  lastEntrataWrite: Date | null;
  failures: { type: string; reason: string | null; count: number; last: Date }[];
}

export async function tenantHealth(tx: Tx, tenantId: string, now: Date): Promise<TenantHealth> {
  const hour = new Date(now.getTime() - 3600_000);
  const day = new Date(now.getTime() - 24 * 3600_000);
  const [counts] = await tx.$queryRaw<{ hour: number; day: number; read: Date | null; write: Date | null }[]>`
    SELECT count(*) FILTER (WHERE occurred_at >= ${hour} AND webhook)::int AS hour,
           count(*) FILTER (WHERE occurred_at >= ${day} AND webhook)::int AS day,
           max(occurred_at) FILTER (WHERE type = 'ApplicationSubmitted') AS read,
           max(occurred_at) FILTER (WHERE type = 'ReportSynced') AS write
      FROM (SELECT occurred_at, type,
                   type IN ('ApplicationSubmitted', 'ApplicationReadFailed')
                     AND envelope->'payload'->>'source' = 'webhook' AS webhook
              FROM timeline_events WHERE tenant_id = ${tenantId}) e`;
  // Reasons only where they are codes: free-text reasons (report-sync's Entrata errors) are grouped by type.
  const failures = await tx.$queryRaw<TenantHealth['failures']>`
    SELECT type, reason, count(*)::int AS count, max(occurred_at) AS last
      FROM (SELECT type, occurred_at,
                   CASE WHEN type = 'ApplicationReadFailed' THEN envelope->'payload'->>'reasonCode'
                        WHEN type IN ('InviteBlocked', 'NotificationFailed') THEN envelope->'payload'->>'reason'
                   END AS reason
              FROM timeline_events
             WHERE tenant_id = ${tenantId} AND outcome = 'failed' AND occurred_at >= ${day}) f
     GROUP BY type, reason ORDER BY count DESC, type`;
  return {
    webhooksLastHour: counts?.hour ?? 0,
    webhooksLastDay: counts?.day ?? 0,
    lastEntrataRead: counts?.read ?? null,
    lastEntrataWrite: counts?.write ?? null,
    failures,
  };
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
}

/** The audit log, newest first, filtered by actor, action (prefix) and target (part). */
export type AuditRow = Awaited<ReturnType<typeof auditEntries>>[number];

export async function auditEntries(tx: Tx, filter: AuditFilter, limit = 200) {
  const rows = await tx.auditEntry.findMany({
    where: {
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.action ? { action: { startsWith: filter.action } } : {}),
      ...(filter.target ? { target: { contains: filter.target } } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit,
  });
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}
