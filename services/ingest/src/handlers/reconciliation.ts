import { applicationIdFor } from '@autoverify/contracts';
import { type EntrataProspect, isEntrataError } from '@autoverify/entrata-client';
import type { JobAttempt, SqlTransaction } from '@autoverify/service-kit';
import { continueTrace } from '@autoverify/telemetry';
import { isSubmittedApplicationStatus, reconciliationWindow } from '../domain/reconciliation.ts';
import { hashHasRent, resolveMonthlyRent } from '../domain/rent.ts';
import { inCodeUnitOrder } from '../domain/webhook-sync-plan.ts';
import { type ReconcileTenantData, reconcileTenant } from '../jobs.ts';
import type { IngestContext } from '../service.ts';
import { findApplications, storedTraceContext } from '../store/applications.ts';
import { claimDuePoll, recordPollFinished } from '../store/reconciliation.ts';
import { enqueueSync } from './sync-application.ts';

/** Shortest sleep of the scheduler between looks. */
const MIN_WAIT_MS = 50;

/** A failed application is retried by the poll, but not on every tick. */
const FAILED_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Polls getLeads per property for applications created within lookbackDays and enqueues a sync for each
 * submitted application ingest has not synced yet: a lost webhook never means a lost invite.
 */
export function reconcileTenantJob(ctx: IngestContext) {
  const logger = ctx.logger.child({ job: reconcileTenant.name });
  return async ({ tenantId }: ReconcileTenantData, attempt: JobAttempt): Promise<void> => {
    const tenant = typeof tenantId === 'string' ? ctx.tenants.get(tenantId) : undefined;
    if (!tenant) return void logger.warn({ tenantId }, 'reconciliation for an unknown tenant skipped');
    const client = ctx.entrata.forTenant(tenantId);
    const { from, to } = reconciliationWindow(ctx.clock.now(), tenant.reconciliation.lookbackDays);
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
          if (isEntrataError(error) && error.retryable && !attempt.final) throw error;
          errors.push(`property ${propertyId}: ${(error as Error).message}`);
          break;
        }
        if (page.done) break;
        const prospects = page.value;
        const missing = await ctx.db.transaction((tx) =>
          enqueueMissing(ctx, tx, { tenantId, propertyId }, prospects),
        );
        found += missing.length;
        if (missing.length > 0)
          logger.info(
            { tenantId, propertyId, applications: missing },
            'reconciliation found applications to sync',
          );
      }
    }
    await recordPollFinished(ctx.db.sql, tenantId, {
      at: ctx.clock.now(),
      found,
      error: errors.length > 0 ? errors.join('; ') : null,
    });
    if (errors.length > 0) logger.warn({ tenantId, errors }, 'reconciliation incomplete');
  };
}

/** Enqueues a sync for each submitted prospect of one page ingest has not synced (or should retry). */
async function enqueueMissing(
  ctx: IngestContext,
  tx: SqlTransaction,
  { tenantId, propertyId }: { tenantId: string; propertyId: string },
  prospects: EntrataProspect[],
): Promise<string[]> {
  const submitted = prospects.filter((p) => p.applicationId && isSubmittedApplicationStatus(p.status));
  if (submitted.length === 0) return [];
  const known = await findApplications(
    tx.sql,
    tenantId,
    submitted.map((p) => p.applicationId as string),
  );
  const byId = new Map(known.map((k) => [k.entrataApplicationId, k]));
  // Published without a rent (invite held it back: InviteBlocked rent_unknown) and the property has one now:
  // read it again so the invitations go out.
  const rentNowKnown =
    resolveMonthlyRent(ctx.tenants.property(tenantId, propertyId).monthlyRentCents) !== undefined;
  const now = ctx.clock.now().getTime();
  const missing = submitted.filter((p) => {
    const row = byId.get(p.applicationId as string);
    if (!row) return true;
    if (row.status === 'pending') return true; // the job key absorbs it if its sync is still queued
    if (row.status === 'synced') return rentNowKnown && !hashHasRent(row.contentHash);
    return row.status === 'failed' && now - row.updatedAt.getTime() > FAILED_RETRY_AFTER_MS;
  });
  // Rows written in the order the webhook queuer locks them (inCodeUnitOrder), so the two cannot deadlock.
  missing.sort((a, b) => inCodeUnitOrder(a.applicationId as string, b.applicationId as string));
  for (const p of missing) {
    const entrataApplicationId = p.applicationId as string;
    // A known application's sync (and what it publishes) continues the application's trace, not the poll's.
    await continueTrace(
      storedTraceContext(byId.get(entrataApplicationId)?.traceContext),
      'reconcile application',
      { 'application.id': applicationIdFor(tenantId, entrataApplicationId), 'tenant.id': tenantId },
      () =>
        enqueueSync(ctx, tx, {
          tenantId,
          propertyId,
          entrataApplicationId,
          source: 'reconciliation',
          ...(p.createdOn ? { occurredAt: p.createdOn } : {}),
        }),
    );
  }
  return missing.map((p) => p.applicationId as string);
}

/**
 * Each tenant's poll is due every reconciliation.intervalMinutes (fractions allowed). The scheduler sleeps
 * until the next poll falls due, at most RECONCILIATION_TICK_MS: the cap bounds how late it sees a due time
 * moved by someone else (another replica, an operator). Replicas race for a poll with a conditional UPDATE,
 * so exactly one enqueues it per interval, in the same transaction.
 */
export function startReconciliationScheduler(ctx: IngestContext): { stop(): Promise<void> } {
  const logger = ctx.logger.child({ component: 'reconciliation-scheduler' });
  const longestWaitMs = ctx.env.RECONCILIATION_TICK_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /** Enqueues the due polls; answers how long to sleep before the next look. */
  const tick = async () => {
    let waitMs = longestWaitMs;
    for (const tenant of ctx.tenants.all()) {
      if (stopped) break;
      const intervalMs = Math.round(tenant.reconciliation.intervalMinutes * 60_000);
      const poll = await ctx.db.transaction(async (tx) => {
        const due = await claimDuePoll(tx.sql, tenant.id, intervalMs);
        if (due.claimed)
          await ctx.jobs.send(
            reconcileTenant,
            { tenantId: tenant.id },
            { tx, key: `reconcile:${tenant.id}` },
          );
        return due;
      });
      waitMs = Math.min(waitMs, poll.nextDueInMs);
    }
    return waitMs;
  };

  const schedule = (waitMs: number) => {
    if (stopped) return;
    // The floor keeps a due time the UPDATE did not claim (clock rounding) from spinning the loop.
    timer = setTimeout(look, Math.max(waitMs, MIN_WAIT_MS));
    timer.unref();
  };
  const look = () => {
    running = tick()
      .catch((error) => {
        logger.warn({ err: error }, 'reconciliation tick failed; will try again');
        return longestWaitMs;
      })
      .then(schedule)
      .finally(() => {
        running = undefined;
      });
  };
  schedule(0);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
