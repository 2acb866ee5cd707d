/**
 * Deliberate re-runs of a step belong to the service that owns the step (it knows its state and its
 * idempotency keys): support only forwards an authorised, audited request to that service's admin API.
 */
import type { Caller } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { audit } from '../store.ts';

export interface ServiceEndpoint {
  /** Base URL, e.g. http://report-sync:3005 */
  url: string;
  /** The service's ADMIN_TOKEN; undefined = not configured here. */
  token: string | undefined;
}

export interface RerunResult {
  status: number;
  body: unknown;
}

export class RerunUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RerunUnavailableError';
  }
}

/** POSTs to a service's admin endpoint; the answer (success or problem) is passed back as it is. */
export function callAdmin(
  service: string,
  endpoint: ServiceEndpoint,
  path: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<RerunResult> {
  return requestAdmin(service, endpoint, { method: 'POST', path, body, headers });
}

/** Calls a service's admin endpoint with its token; its answer (success or problem) comes back as it is. */
export async function requestAdmin(
  service: string,
  endpoint: ServiceEndpoint,
  request: {
    method: 'GET' | 'POST';
    path: string;
    body?: Record<string, unknown>;
    headers?: Record<string, string>;
  },
  timeoutMs = 15_000,
): Promise<RerunResult> {
  if (!endpoint.token)
    throw new RerunUnavailableError(`${service}'s admin token is not configured on the support console`);
  let response: Response;
  try {
    response = await fetch(new URL(request.path, endpoint.url), {
      method: request.method,
      headers: {
        ...request.headers,
        authorization: `Bearer ${endpoint.token}`,
        ...(request.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new RerunUnavailableError(
      `${service} did not answer at ${endpoint.url}: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text (shortened) so the caller sees what came back.
    parsed = text.slice(0, 500);
  }
  return { status: response.status, body: parsed };
}

/**
 * report-sync's /retry (a failed report: try the upload again) or /reupload (a synced report whose document
 * was deleted in Entrata: a deliberate second document).
 */
export async function reportAction(
  ctx: SupportContext,
  caller: Caller,
  action: 'retry' | 'reupload',
  reportId: string,
  reason: string,
): Promise<RerunResult> {
  await ctx.db.run((tx) =>
    audit(tx, { actor: caller.name, action: `rerun.${action}-report`, target: `report:${reportId}`, reason }),
  );
  return callAdmin(
    'report-sync',
    ctx.services['report-sync'],
    `/admin/reports/${encodeURIComponent(reportId)}/${action}`,
    { requestedBy: caller.name, reason },
  );
}

export interface ResendInviteRequest {
  applicationId: string;
  applicantId: string;
  kind: string;
  channels?: string[];
  reason: string;
  idempotencyKey?: string;
}

/**
 * A deliberate second invite (invite's POST /admin/invites/resend). The idempotency key makes a retried
 * request (time-out, double click) send it once.
 */
export async function resendInvite(
  ctx: SupportContext,
  caller: Caller,
  request: ResendInviteRequest,
): Promise<RerunResult> {
  await ctx.db.run((tx) =>
    audit(tx, {
      actor: caller.name,
      action: 'rerun.resend-invite',
      target: `application:${request.applicationId}/applicant:${request.applicantId}/${request.kind}`,
      reason: request.reason,
      detail: { channels: request.channels ?? 'all', idempotencyKey: request.idempotencyKey ?? null },
    }),
  );
  return callAdmin(
    'invite',
    ctx.services.invite,
    '/admin/invites/resend',
    {
      applicationId: request.applicationId,
      applicantId: request.applicantId,
      kind: request.kind,
      ...(request.channels ? { channels: request.channels } : {}),
      requestedBy: caller.name,
      reason: request.reason,
    },
    request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {},
  );
}
