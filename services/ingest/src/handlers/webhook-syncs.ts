import { withTraceContext } from '@autoverify/telemetry';
import { type EntrataHint, parseEntrataWebhook } from '../domain/entrata-webhook.ts';
import { parseStrictJson } from '../domain/json-safety.ts';
import type { SyncApplicationData } from '../jobs.ts';
import type { IngestContext } from '../service.ts';
import { storedTraceContext } from '../store/applications.ts';
import { takeSyncPendingWebhooks } from '../store/webhooks.ts';
import { enqueueSync } from './sync-application.ts';

/**
 * Webhooks queued per transaction: one. pg-boss checks a group's concurrency when a worker fetches, without a
 * lock, so jobs of one tenant committed together wake every idle worker at once and are all fetched, past
 * the tenant's limit (4 of beta's syncs running, acme's waiting: sync-robustness' fairness test).
 */
const BATCH = 1;
/**
 * How often the queuer looks without being woken: it finds what a replica that died between storing a
 * webhook and queuing its sync left behind (the route wakes the queuer of its own process at once).
 */
const SAFETY_POLL_MS = 5_000;

export interface WebhookSyncQueuer {
  /** A webhook was stored: queue its sync now (runs again after the current batch if one is running). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Turns stored webhooks into sync jobs, like the outbox relay turns stored events into messages. The route
 * answers 202 once the webhook row is stored (one statement, one round trip); the row carries what its sync
 * needs (`sync_pending`, the raw body, the request's trace), and here, in one transaction per batch (BATCH), each
 * gets its pending application row and its sync job and stops being pending. Locked rows are skipped, so
 * replicas never queue one webhook twice; a crash before the commit leaves the rows pending for the next run.
 */
export function startWebhookSyncQueuer(
  ctx: Pick<IngestContext, 'db' | 'jobs' | 'logger'>,
  options: { safetyPollMs?: number } = {},
): WebhookSyncQueuer {
  const logger = ctx.logger.child({ component: 'webhook-sync-queuer' });
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const queueBatch = () =>
    ctx.db.run(async (tx) => {
      const rows = await takeSyncPendingWebhooks(tx, BATCH);
      const syncs = rows.flatMap((row) => {
        const hint = storedHint(row.rawBody);
        if (hint) return [{ job: syncJob(row.tenantId, hint, row.id), trace: row.traceContext }];
        // Cannot happen: the route stored it only after parsing these very bytes.
        logger.error({ webhookId: row.id }, 'stored webhook no longer parses; its sync is not queued');
        return [];
      });
      // Applications' rows are taken in one order, so two replicas' batches cannot deadlock on them (BATCH > 1).
      syncs.sort((a, b) => applicationKey(a.job).localeCompare(applicationKey(b.job)));
      for (const { job, trace } of syncs) {
        await withTraceContext(storedTraceContext(trace), () => enqueueSync(ctx, tx, job));
      }
      return rows.length;
    });

  const run = async () => {
    do {
      again = false;
      while (!stopped && (await queueBatch()) === BATCH);
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

  const timer = setInterval(wake, options.safetyPollMs ?? SAFETY_POLL_MS);
  timer.unref();
  wake();
  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

const applicationKey = (job: SyncApplicationData) => `${job.tenantId}\u0000${job.entrataApplicationId}`;

function storedHint(rawBody: Uint8Array): EntrataHint | undefined {
  const json = parseStrictJson(rawBody);
  if (!json.ok) return undefined;
  const parsed = parseEntrataWebhook(json.value, json.numberSource);
  return parsed.ok ? parsed.hint : undefined;
}

function syncJob(tenantId: string, hint: EntrataHint, webhookId: string): SyncApplicationData {
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
