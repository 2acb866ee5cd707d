import type { ServiceName } from '@autoverify/contracts';
import type { Caller } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { audit } from '../store.ts';
import { type RerunResult, requestAdmin } from './reruns.ts';

/**
 * Outbox rows a service set aside as unpublishable (service-kit's /admin/outbox/failed routes, on every
 * service): listed, requeued or discarded through the service's admin API; changes are audited here.
 */
export function listFailedOutbox(
  ctx: SupportContext,
  service: ServiceName,
  limit: number,
): Promise<RerunResult> {
  return requestAdmin(service, ctx.services[service], {
    method: 'GET',
    path: `/admin/outbox/failed?limit=${limit}`,
  });
}

export async function actOnFailedOutbox(
  ctx: SupportContext,
  caller: Caller,
  request: { service: ServiceName; id: string; action: 'requeue' | 'discard'; reason: string },
): Promise<RerunResult> {
  const { service, id, action, reason } = request;
  await ctx.db.run((tx) =>
    audit(tx, { actor: caller.name, action: `outbox.${action}`, target: `${service}/outbox/${id}`, reason }),
  );
  return requestAdmin(service, ctx.services[service], {
    method: 'POST',
    path: `/admin/outbox/failed/${encodeURIComponent(id)}/${action}`,
    body: { requestedBy: caller.name, reason },
  });
}
