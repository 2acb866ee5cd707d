import {
  PlatformWebhookUnmapped,
  ReportCompleted,
  VerificationCompleted,
  VerificationRequested,
} from '@autoverify/contracts';
import { buildEvent, handle } from '@autoverify/messaging';
import type { JobAttempt } from '@autoverify/service-kit';
import { continueTrace } from '@autoverify/telemetry';
import type { Tx } from '../db.ts';
import { parseStrictJson } from '../domain/json-safety.ts';
import {
  type GroupMapping,
  type Plan,
  parsePlatformWebhook,
  planReportCompleted,
  planVerificationCompleted,
  text,
  webhookIds,
} from '../domain/platform-events.ts';
import type { ProcessPlatformWebhookData } from '../jobs.ts';
import type { IngestContext } from '../service.ts';
import { applicationTraceContext } from '../store/applications.ts';
import { claimReport, findGroup, findVerification, saveVerificationMapping } from '../store/verifications.ts';
import { findPlatformWebhook, finishPlatformWebhook, recordPlatformWebhookWait } from '../store/webhooks.ts';

/** Stores the id mapping VerificationRequested carries; a repeat (update) overwrites it. */
export const verificationRequestedHandler = () =>
  handle(VerificationRequested, (event, tx: Tx) => saveVerificationMapping(tx, event));

/** Enqueues the processing of a stored platform webhook, in the caller's transaction. */
export async function enqueuePlatformWebhook(
  ctx: Pick<IngestContext, 'jobs' | 'processPlatformWebhook'>,
  tx: Tx,
  dedupeKey: string,
): Promise<void> {
  await ctx.jobs.send(ctx.processPlatformWebhook, { dedupeKey }, { tx, key: `platform:${dedupeKey}` });
}

class MappingNotYetKnown extends Error {}

/**
 * Turns a stored platform webhook into VerificationCompleted / ReportCompleted (each at most once per report).
 * One that still cannot be mapped after the last retry is never dropped silently: its row says why
 * (`failed`), and when its application is known PlatformWebhookUnmapped puts it in the application's timeline.
 */
export function processPlatformWebhookJob(ctx: IngestContext) {
  const logger = ctx.logger.child({ job: ctx.processPlatformWebhook.name });

  return async ({ dedupeKey }: ProcessPlatformWebhookData, attempt: JobAttempt): Promise<void> => {
    if (typeof dedupeKey !== 'string') return void logger.error('platform webhook job without a key dropped');
    const attempts = attempt.number;
    const finish = (tx: Tx, status: 'processed' | 'ignored' | 'failed', reason?: string) =>
      finishPlatformWebhook(tx, dedupeKey, {
        status,
        ...(reason === undefined ? {} : { reason }),
        attempts,
        at: ctx.clock.now(),
      });
    try {
      await ctx.db.run(async (tx) => {
        const row = await findPlatformWebhook(tx, dedupeKey);
        if (!row || row.status === 'processed' || row.status === 'ignored') return;
        const json = parseStrictJson(row.rawBody);
        const parsed = json.ok ? parsePlatformWebhook(json.value) : json;
        if (!parsed.ok) return void (await finish(tx, 'failed', 'stored body is not a platform webhook'));
        const { code, fields } = parsed.webhook;
        const log = { dedupeKey, code, attempt: attempts };

        const settle = async <T>(
          plan: Plan<T>,
          publish: (payload: T, group: GroupMapping) => Promise<void>,
          group: GroupMapping | undefined,
        ) => {
          if (!group) return conclude(plan, publish, group);
          // The application is known: what this webhook publishes continues the application's trace.
          return continueTrace(
            await applicationTraceContext(tx, group.applicationId),
            'verification-platform webhook',
            { 'application.id': group.applicationId, 'tenant.id': group.tenantId },
            () => conclude(plan, publish, group),
          );
        };

        const conclude = async <T>(
          plan: Plan<T>,
          publish: (payload: T, group: GroupMapping) => Promise<void>,
          group: GroupMapping | undefined,
        ) => {
          if (plan.kind === 'unmapped') {
            if (!attempt.final) throw new MappingNotYetKnown(plan.reason);
            logger.error(
              { ...log, reason: plan.reason, applicationId: group?.applicationId },
              'platform webhook could not be mapped; giving up',
            );
            if (group) {
              await ctx.outbox.add(
                tx,
                PlatformWebhookUnmapped,
                {
                  applicationId: group.applicationId,
                  applicantGroupId: group.applicantGroupId,
                  code,
                  webhookKey: dedupeKey,
                  reason: plan.reason,
                  attempts,
                  ...webhookIds(fields),
                },
                { tenantId: group.tenantId, correlationId: group.applicationId },
              );
            }
            return finish(tx, 'failed', `mapping never arrived: ${plan.reason}`);
          }
          if (plan.kind === 'invalid') {
            logger.warn({ ...log, reason: plan.reason }, 'platform webhook is invalid');
            return finish(tx, 'failed', plan.reason);
          }
          await publish(plan.payload, group as GroupMapping);
          return finish(tx, 'processed');
        };

        switch (code) {
          case 'VERIFICATION_STARTED':
            // Recorded only: nothing downstream depends on a start.
            return void (await finish(tx, 'processed'));
          case 'VERIFICATION_COMPLETED': {
            const verification = await findVerification(tx, text(fields.verification_id));
            const group = await findGroup(tx, verification?.applicantGroupId);
            await settle(
              planVerificationCompleted(fields, verification, group),
              async (payload, g) => {
                await ctx.outbox.add(tx, VerificationCompleted, payload, {
                  tenantId: g.tenantId,
                  correlationId: g.applicationId,
                });
              },
              group,
            );
            return;
          }
          case 'REPORT_READY': {
            const group = await findGroup(tx, text(fields.applicant_group_id));
            await settle(
              planReportCompleted(fields, group),
              async (payload, g) => {
                const event = buildEvent(ReportCompleted, payload, {
                  tenantId: g.tenantId,
                  correlationId: g.applicationId,
                });
                const claimed = await claimReport(tx, {
                  reportId: payload.reportId,
                  applicantGroupId: payload.applicantGroupId,
                  eventId: event.id,
                });
                if (!claimed)
                  return void logger.info(
                    { ...log, reportId: payload.reportId },
                    'report already published; repeat ignored',
                  );
                await ctx.outbox.addEvent(tx, event);
              },
              group,
            );
            return;
          }
          default:
            logger.info(log, 'platform webhook code not processed');
            return void (await finish(tx, 'ignored', `code ${code} is not processed`));
        }
      });
    } catch (error) {
      if (error instanceof MappingNotYetKnown) {
        logger.info(
          { dedupeKey, attempt: attempts, reason: error.message },
          'platform webhook waits for its id mapping',
        );
        await ctx.db.run((tx) => recordPlatformWebhookWait(tx, dedupeKey, attempts, error.message));
      }
      throw error;
    }
  };
}
