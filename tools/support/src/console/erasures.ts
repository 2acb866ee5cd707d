/**
 * Data-subject erasure from the console (docs/security.md "Erasure"): support publishes one
 * ApplicantErasureRequested through its outbox, erases its own timeline copies of the applicant when the
 * request comes back on its topic, and keeps the requests and every service's ApplicantErased answer (ids
 * and counts only) in the timeline as the audit trail. Retention spares those two types for the same reason.
 */
import { randomUUID } from 'node:crypto';
import { ApplicantErasureRequested } from '@autoverify/contracts';
import type { ErasedCounts, ErasureRequest, Statement } from '@autoverify/service-kit';
import type { Tx } from '../db.ts';
import type { Caller } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { audit } from '../store.ts';

const AUDIT_TYPES = ['ApplicantErasureRequested', 'ApplicantErased'];

/** Publishes the request (after commit, by the outbox relay) and records who asked and why. */
export async function requestErasure(
  ctx: SupportContext,
  caller: Caller,
  input: ErasureRequest & { reason: string },
): Promise<{ requestId: string }> {
  const requestId = randomUUID();
  const { tenantId, applicationId, applicantId, reason } = input;
  await ctx.db.run(async (tx) => {
    await ctx.outbox.add(
      tx,
      ApplicantErasureRequested,
      { requestId, applicationId, applicantId, requestedBy: `support:${caller.name}`, reason },
      { tenantId, correlationId: applicationId },
    );
    await audit(tx, {
      actor: caller.name,
      action: 'applicant.erase',
      target: applicantId,
      reason,
      detail: { requestId, tenantId, applicationId },
    });
  });
  return { requestId };
}

/** Deletes the timeline's events of the application that name the applicant (their payloads carry the data). */
export async function eraseTimeline(sql: Statement, request: ErasureRequest): Promise<ErasedCounts> {
  // SQL: in the consumer's plain-pg transaction (service.ts); a text search of the stored envelope.
  const rows = await sql`
    DELETE FROM timeline_events
     WHERE tenant_id = ${request.tenantId} AND correlation_id = ${request.applicationId}
       AND type <> ALL (${AUDIT_TYPES}::text[])
       AND strpos(envelope::text, ${request.applicantId}) > 0
    RETURNING 1`;
  return { timeline_events: rows.length };
}

/** Retention: timeline events that occurred before `cutoff`, except the erasure audit trail. */
export async function purgeTimeline(tx: Tx, cutoff: Date, limit: number): Promise<ErasedCounts> {
  // SQL: DELETE with LIMIT needs a sub-select.
  const deleted = await tx.$executeRaw`
    DELETE FROM timeline_events
     WHERE event_id IN (SELECT event_id FROM timeline_events
                         WHERE occurred_at < ${cutoff} AND type <> ALL (${AUDIT_TYPES}::text[]) LIMIT ${limit})`;
  return { timeline_events: deleted };
}

/** A request and the services that confirmed it, with what each erased. */
export async function erasureStatus(tx: Tx, requestId: string) {
  // SQL: filters on a field of the stored envelope's payload.
  const rows = await tx.$queryRaw<{ type: string; envelope: { payload: Record<string, unknown> } }[]>`
    SELECT type, envelope FROM timeline_events
     WHERE type = ANY (${AUDIT_TYPES}::text[]) AND envelope->'payload'->>'requestId' = ${requestId}
     ORDER BY occurred_at`;
  const request = rows.find((r) => r.type === 'ApplicantErasureRequested')?.envelope.payload ?? null;
  const confirmed = rows
    .filter((r) => r.type === 'ApplicantErased')
    .map(({ envelope: { payload } }) => ({ service: payload.service as string, erased: payload.erased }));
  return { requestId, request, confirmed };
}
