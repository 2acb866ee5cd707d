/** Which of the webhooks the queuer took get a sync job of their own, and which wait for one. */

export interface ApplicationRef {
  tenantId: string;
  entrataApplicationId: string;
}

/** One application of one tenant, as a map key. */
export const applicationKey = (ref: ApplicationRef): string =>
  `${ref.tenantId}\u0000${ref.entrataApplicationId}`;

/** Code-unit order: the order PostgreSQL's "C" collation gives the same ids (row locks are taken in it). */
export const inCodeUnitOrder = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

export const byApplication = (a: ApplicationRef, b: ApplicationRef): number =>
  inCodeUnitOrder(applicationKey(a), applicationKey(b));

export interface WebhookSyncPlan<W> {
  /** The webhooks whose sync is queued now, one per application (its oldest webhook). */
  queue: W[];
  /** Taken back: pending again, for a later transaction. */
  release: W[];
}

/**
 * `taken` oldest first; `waiting`: applications (applicationKey) whose queued sync has not started its read.
 * Their webhooks need nothing more: that sync's read answers them. Every other application gets one sync,
 * but at most one per tenant in this transaction: pg-boss checks a group's concurrency when a worker fetches,
 * without a lock, so several jobs of one tenant committed together would be fetched by every idle worker at
 * once, past the tenant's limit (sync-robustness' fairness test). The tenant's other applications are
 * released to the next transaction, which the queuer runs at once (rare: the claim leaves them alone unless
 * a sync started between its read of the flag and the lock).
 */
export function planWebhookSyncs<W extends ApplicationRef>(
  taken: readonly W[],
  waiting: ReadonlySet<string>,
): WebhookSyncPlan<W> {
  const queue: W[] = [];
  const release: W[] = [];
  const queuedTenants = new Set<string>();
  const answered = new Set(waiting);
  for (const webhook of taken) {
    const key = applicationKey(webhook);
    if (answered.has(key)) continue;
    if (queuedTenants.has(webhook.tenantId)) {
      release.push(webhook);
      continue;
    }
    queuedTenants.add(webhook.tenantId);
    answered.add(key);
    queue.push(webhook);
  }
  return { queue, release };
}
