import type { Tenants } from '@autoverify/config';
import { type EntrataProspect, isEntrataError } from '@autoverify/entrata-client';
import type { Tx } from '../db.ts';
import { isSubmittedApplicationStatus, reconciliationWindow } from '../domain/reconciliation.ts';
import { hashHasRent, resolveMonthlyRent } from '../domain/rent.ts';
import type { JobInfo } from '../ports.ts';
import { enqueueSync, type SyncDeps } from './sync-application.ts';

export const RECONCILE_TENANT = 'reconcile-tenant';
/** The next poll comes soon anyway: retry a failed poll only a little. */
const RECONCILE_RETRY = { retryLimit: 2, retryDelay: 10, retryBackoff: true } as const;
/** A failed application is retried by the poll, but not on every tick. */
const FAILED_RETRY_AFTER_MS = 60 * 60 * 1000;

export interface ReconcileTenantJob {
  tenantId: string;
}

/**
 * Polls getLeads per property for applications created within lookbackDays and enqueues a sync for each
 * submitted application ingest has not synced yet: a lost webhook never means a lost invite.
 */
export function reconcileTenant(deps: SyncDeps) {
  const logger = deps.logger.child({ job: RECONCILE_TENANT });
  return async ({ tenantId }: ReconcileTenantJob, info: JobInfo): Promise<void> => {
    const tenant = deps.tenants.get(tenantId);
    if (!tenant) return void logger.warn({ tenantId }, 'reconciliation for an unknown tenant skipped');
    const client = deps.entrata.forTenant(tenantId);
    const { from, to } = reconciliationWindow(new Date(), tenant.reconciliation.lookbackDays);
    let found = 0;
    const errors: string[] = [];
    for (const propertyId of tenant.entrata.propertyIds) {
      // getLeads is paginated: every page of the window is read, and each page's finds are enqueued at once.
      const pages = client.eachLeadsPage({ propertyId, createdOnDateFrom: from, createdOnDateTo: to });
      for (;;) {
        let page: IteratorResult<EntrataProspect[]>;
        try {
          page = await pages.next();
        } catch (error) {
          if (isEntrataError(error) && error.retryable && info.retryCount < RECONCILE_RETRY.retryLimit)
            throw error;
          errors.push(`property ${propertyId}: ${(error as Error).message}`);
          break;
        }
        if (page.done) break;
        const prospects = page.value;
        const missing = await deps.transactions.run((tx) =>
          enqueueMissing(deps, tx, { tenantId, propertyId }, prospects),
        );
        found += missing.length;
        if (missing.length > 0)
          logger.info(
            { tenantId, propertyId, applications: missing },
            'reconciliation found applications to sync',
          );
      }
    }
    await deps.transactions.run((tx) =>
      tx.reconciliationState.updateMany({
        where: { tenantId },
        data: {
          lastFinishedAt: new Date(),
          lastFound: found,
          lastError: errors.length > 0 ? errors.join('; ') : null,
        },
      }),
    );
    if (errors.length > 0) logger.warn({ tenantId, errors }, 'reconciliation incomplete');
  };
}

/** Enqueues a sync for each submitted prospect of one page ingest has not synced (or should retry). */
async function enqueueMissing(
  deps: SyncDeps,
  tx: Tx,
  { tenantId, propertyId }: { tenantId: string; propertyId: string },
  prospects: EntrataProspect[],
): Promise<string[]> {
  const submitted = prospects.filter((p) => p.applicationId && isSubmittedApplicationStatus(p.status));
  if (submitted.length === 0) return [];
  const known = await tx.application.findMany({
    where: { tenantId, entrataApplicationId: { in: submitted.map((p) => p.applicationId as string) } },
    select: { entrataApplicationId: true, status: true, updatedAt: true, contentHash: true },
  });
  const byId = new Map(known.map((k) => [k.entrataApplicationId, k]));
  // Published without a rent (invite held it back: InviteBlocked rent_unknown) and the property has one now:
  // read it again so the invitations go out.
  const rentNowKnown =
    resolveMonthlyRent(deps.tenants.property(tenantId, propertyId).monthlyRentCents) !== undefined;
  const missing = submitted.filter((p) => {
    const row = byId.get(p.applicationId as string);
    if (!row) return true;
    if (row.status === 'pending') return true; // the singleton key absorbs it if its sync is still queued
    if (row.status === 'synced') return rentNowKnown && !hashHasRent(row.contentHash);
    return row.status === 'failed' && Date.now() - row.updatedAt.getTime() > FAILED_RETRY_AFTER_MS;
  });
  for (const p of missing) {
    await enqueueSync(tx, deps.jobs, {
      tenantId,
      propertyId,
      entrataApplicationId: p.applicationId as string,
      source: 'reconciliation',
      ...(p.createdOn ? { occurredAt: p.createdOn } : {}),
    });
  }
  return missing.map((p) => p.applicationId as string);
}

export interface SchedulerOptions {
  tenants: Tenants;
  deps: SyncDeps;
  /** How often due polls are looked for (default 1 s, so fractional intervals for demos work). */
  tickMs?: number;
}

/**
 * Each tenant's poll is due every reconciliation.intervalMinutes (fractions allowed). Replicas race for it
 * with a conditional UPDATE, so exactly one enqueues the poll per interval, in the same transaction.
 */
export function startReconciliationScheduler(options: SchedulerOptions): { stop(): Promise<void> } {
  const { deps, tenants } = options;
  const logger = deps.logger.child({ component: 'reconciliation-scheduler' });
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = async () => {
    for (const tenant of tenants.all()) {
      const intervalMs = Math.round(tenant.reconciliation.intervalMinutes * 60_000);
      await deps.transactions.run(async (tx) => {
        await tx.$executeRaw`INSERT INTO reconciliation_state (tenant_id, next_run_at) VALUES (${tenant.id}, now()) ON CONFLICT DO NOTHING`;
        const claimed = await tx.$queryRaw<{ tenant_id: string }[]>`
          UPDATE reconciliation_state
             SET next_run_at = now() + make_interval(secs => ${intervalMs / 1000}::float8), last_run_at = now()
           WHERE tenant_id = ${tenant.id} AND next_run_at <= now()
          RETURNING tenant_id`;
        if (claimed.length > 0) {
          await deps.jobs.send(
            RECONCILE_TENANT,
            { tenantId: tenant.id },
            { tx, singletonKey: `reconcile:${tenant.id}`, ...RECONCILE_RETRY },
          );
        }
      });
    }
  };

  const timer = setInterval(() => {
    // A slow tick (database trouble) is not stacked up behind: the next one starts when it is done.
    if (running || stopped) return;
    running = tick()
      .catch((error) => logger.warn({ err: error }, 'reconciliation tick failed; will try again'))
      .finally(() => {
        running = undefined;
      });
  }, options.tickMs ?? 1000);
  timer.unref();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
