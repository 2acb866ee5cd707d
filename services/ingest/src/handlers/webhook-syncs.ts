import { listen } from '@autoverify/service-kit';
import { withTraceContext } from '@autoverify/telemetry';
import { type EntrataHint, parseEntrataWebhook } from '../domain/entrata-webhook.ts';
import { parseStrictJson } from '../domain/json-safety.ts';
import {
  type ApplicationRef,
  applicationKey,
  byApplication,
  planWebhookSyncs,
} from '../domain/webhook-sync-plan.ts';
import type { SyncApplicationData } from '../jobs.ts';
import type { IngestContext } from '../service.ts';
import { lockWaitingApplications, storedTraceContext } from '../store/applications.ts';
import { releaseWebhooks, takeSyncPendingWebhooks, WEBHOOK_SYNC_CHANNEL } from '../store/webhooks.ts';
import { enqueueSync } from './sync-application.ts';

/** Webhooks looked at per transaction; which are taken and how many jobs they queue: takeSyncPendingWebhooks. */
const BATCH = 100;
/**
 * How often the queuer looks without being woken: it finds what a replica that died between storing a
 * webhook and queuing its sync left behind, and what was stored while its LISTEN connection was down (the
 * route's NOTIFY wakes it within http/webhook-sync-wake.ts's window otherwise).
 */
const SAFETY_POLL_MS = 5_000;

export interface WebhookSyncQueuer {
  stop(): Promise<void>;
}

/**
 * Turns stored webhooks into sync jobs, like the outbox relay turns stored events into messages. The route
 * answers 202 once the webhook row is stored (one statement, one round trip); the row carries what its sync
 * needs (`sync_pending`, the raw body, the request's trace), and here, in one transaction per batch, they
 * stop being pending and each application gets its pending row and a sync job, unless a sync of it is
 * queued and has not started its read: that read answers them (lockWaitingApplications, startSyncRead), so
 * a burst of webhooks for one application costs one Entrata read, not one each. A sync queued sooner than
 * ENTRATA_REREAD_SPACING_MS after the application's last read starts then: a stream of webhooks for one
 * application costs one read per spacing, within Entrata's per-customer rate limit. Locked rows are skipped, so
 * replicas never queue one webhook twice; a crash before the commit leaves the rows pending for the next run.
 * Woken by the route's NOTIFY (WEBHOOK_SYNC_CHANNEL), so the route may run in another process (SERVICE_ROLE).
 */
export async function startWebhookSyncQueuer(
  ctx: Pick<IngestContext, 'db' | 'jobs' | 'logger' | 'env'>,
  options: { safetyPollMs?: number } = {},
): Promise<WebhookSyncQueuer> {
  const logger = ctx.logger.child({ component: 'webhook-sync-queuer' });
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  /** True when webhooks may still be pending (a full batch, or some left for the next transaction). */
  const queueBatch = () =>
    ctx.db.transaction(async (tx) => {
      const { rows, more } = await takeSyncPendingWebhooks(tx.sql, BATCH);
      const taken = rows.flatMap((row) => {
        const hint = storedHint(row.rawBody);
        if (hint) return [{ ...syncJob(row.tenantId, hint, row.id), trace: row.traceContext }];
        // Cannot happen: the route stored it only after parsing these very bytes.
        logger.error({ webhookId: row.id }, 'stored webhook no longer parses; its sync is not queued');
        return [];
      });
      const locked = await lockWaitingApplications(
        tx.sql,
        distinctApplications(taken),
        ctx.env.ENTRATA_REREAD_SPACING_MS,
      );
      const plan = planWebhookSyncs(taken, locked.waiting);
      if (plan.release.length > 0)
        await releaseWebhooks(
          tx.sql,
          plan.release.map((w) => w.webhookId),
        );
      // Applications' rows are written in one order, so two replicas' batches cannot deadlock on them.
      for (const { trace, ...job } of plan.queue.sort(byApplication)) {
        // Read again too soon after the last read: the sync waits, and the webhooks meanwhile wait for it.
        const dueInMs = locked.readDueInMs.get(applicationKey(job));
        const startAfter = dueInMs === undefined ? undefined : new Date(Date.now() + dueInMs);
        await withTraceContext(storedTraceContext(trace), () => enqueueSync(ctx, tx, job, startAfter));
      }
      return more || plan.release.length > 0;
    });

  const run = async () => {
    do {
      again = false;
      while (!stopped && (await queueBatch()));
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    // After the current I/O: the webhook's 202 is written before this batch takes the event loop.
    running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(run)
      .catch((error) => logger.warn({ err: error }, 'queuing webhook syncs failed; will try again'))
      .finally(() => {
        running = undefined;
      });
  };

  // Wakes once on every (re)connect too: that first run finds what was stored before, or while it was down.
  const listener = await listen({
    connectionString: ctx.env.DATABASE_URL,
    channel: WEBHOOK_SYNC_CHANNEL,
    onNotify: wake,
    logger,
  });
  const timer = setInterval(wake, options.safetyPollMs ?? SAFETY_POLL_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listener.stop();
      await running;
    },
  };
}

function distinctApplications(refs: ApplicationRef[]): ApplicationRef[] {
  const byKey = new Map(refs.map((r) => [applicationKey(r), r]));
  return [...byKey.values()].sort(byApplication);
}

function storedHint(rawBody: Uint8Array): EntrataHint | undefined {
  const json = parseStrictJson(rawBody);
  if (!json.ok) return undefined;
  const parsed = parseEntrataWebhook(json.value, json.numberSource);
  return parsed.ok ? parsed.hint : undefined;
}

function syncJob(
  tenantId: string,
  hint: EntrataHint,
  webhookId: string,
): SyncApplicationData & { webhookId: string } {
  return {
    webhookId,
    tenantId,
    propertyId: hint.propertyId,
    entrataApplicationId: hint.entrataApplicationId,
    ...(hint.leadId ? { leadId: hint.leadId } : {}),
    source: 'webhook' as const,
    occurredAt: hint.occurredAt,
  };
}
