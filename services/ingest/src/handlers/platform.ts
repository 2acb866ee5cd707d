import {
  PlatformWebhookUnmapped,
  ReportCompleted,
  VerificationCompleted,
  VerificationRequested,
} from '@autoverify/contracts';
import { buildEvent, handle } from '@autoverify/messaging';
import type { Tx } from '../db.ts';
import {
  type GroupMapping,
  type Plan,
  parsePlatformWebhook,
  planReportCompleted,
  planVerificationCompleted,
  text,
  webhookIds,
} from '../domain/platform-events.ts';
import type { Deps, JobInfo, Jobs } from '../ports.ts';

export const PROCESS_PLATFORM_WEBHOOK = 'process-platform-webhook';

/**
 * A webhook can beat the VerificationRequested that maps its ids (the platform answers fast, our consumer
 * may lag): retry with backoff (with the default 12 retries for about 45 minutes) before recording it as
 * failed and, when its application is known, publishing PlatformWebhookUnmapped for support.
 */
export const DEFAULT_PLATFORM_MAPPING_RETRIES = 12;
export const platformRetry = (retryLimit = DEFAULT_PLATFORM_MAPPING_RETRIES) =>
  ({ retryLimit, retryDelay: 2, retryBackoff: true, retryDelayMax: 600 }) as const;

export interface ProcessPlatformWebhookJob {
  dedupeKey: string;
}

export async function enqueuePlatformWebhook(
  tx: Tx,
  jobs: Jobs,
  dedupeKey: string,
  retryLimit?: number,
): Promise<void> {
  await jobs.send<ProcessPlatformWebhookJob>(
    PROCESS_PLATFORM_WEBHOOK,
    { dedupeKey },
    { tx, singletonKey: `platform:${dedupeKey}`, ...platformRetry(retryLimit) },
  );
}

/** Stores the id mapping VerificationRequested carries; a repeat (update) overwrites it. */
export const verificationRequestedHandler = handle(VerificationRequested, async (event, tx: Tx) => {
  const p = event.payload;
  const group = {
    tenantId: event.tenantId,
    applicationId: p.applicationId,
    entrataApplicationId: p.entrataApplicationId,
    propertyId: p.propertyId,
  };
  await tx.verificationGroup.upsert({
    where: { applicantGroupId: p.applicantGroupId },
    create: { applicantGroupId: p.applicantGroupId, ...group },
    update: group,
  });
  for (const a of p.applicants) {
    const applicant = {
      applicantGroupId: p.applicantGroupId,
      applicantId: a.applicantId,
      entrataCustomerId: a.entrataCustomerId,
    };
    await tx.verificationApplicant.upsert({
      where: { platformApplicantId: a.platformApplicantId },
      create: { platformApplicantId: a.platformApplicantId, ...applicant },
      update: applicant,
    });
    for (const v of a.verifications) {
      const verification = {
        kind: v.kind,
        platformApplicantId: a.platformApplicantId,
        applicantGroupId: p.applicantGroupId,
      };
      await tx.verification.upsert({
        where: { verificationId: v.verificationId },
        create: { verificationId: v.verificationId, ...verification },
        update: verification,
      });
    }
  }
});

async function loadGroup(tx: Tx, applicantGroupId: string | undefined): Promise<GroupMapping | undefined> {
  if (!applicantGroupId) return undefined;
  const group = await tx.verificationGroup.findUnique({ where: { applicantGroupId } });
  if (!group) return undefined;
  const applicants = await tx.verificationApplicant.findMany({
    where: { applicantGroupId },
    orderBy: { platformApplicantId: 'asc' },
  });
  return { ...group, applicants };
}

class MappingNotYetKnown extends Error {}

/**
 * Turns a stored platform webhook into VerificationCompleted / ReportCompleted (each at most once per report).
 * One that still cannot be mapped after the last retry is never dropped silently: its row says why
 * (`failed`), and when its application is known PlatformWebhookUnmapped puts it in the application's timeline.
 */
export function processPlatformWebhook(deps: Deps & { retryLimit?: number }) {
  const logger = deps.logger.child({ job: PROCESS_PLATFORM_WEBHOOK });
  const retryLimit = deps.retryLimit ?? DEFAULT_PLATFORM_MAPPING_RETRIES;

  const finish = (
    tx: Tx,
    dedupeKey: string,
    status: 'processed' | 'ignored' | 'failed',
    reason?: string,
    attempts = 1,
  ) =>
    tx.platformWebhook.update({
      where: { dedupeKey },
      data: { status, failureReason: reason ?? null, processedAt: new Date(), attempts },
    });

  return async ({ dedupeKey }: ProcessPlatformWebhookJob, info: JobInfo): Promise<void> => {
    const attempts = info.retryCount + 1;
    let published = false;
    try {
      await deps.transactions.run(async (tx) => {
        const row = await tx.platformWebhook.findUnique({ where: { dedupeKey } });
        if (!row || row.status === 'processed' || row.status === 'ignored') return;
        const parsed = parsePlatformWebhook(row.body);
        if (!parsed.ok)
          return void (await finish(
            tx,
            dedupeKey,
            'failed',
            'stored body is not a platform webhook',
            attempts,
          ));
        const { code, fields } = parsed.webhook;
        const log = { dedupeKey, code, attempt: attempts };

        const settle = async <T>(
          plan: Plan<T>,
          publish: (payload: T, group: GroupMapping) => Promise<void>,
          group: GroupMapping | undefined,
        ) => {
          if (plan.kind === 'unmapped') {
            if (info.retryCount < retryLimit) throw new MappingNotYetKnown(plan.reason);
            logger.error(
              { ...log, reason: plan.reason, applicationId: group?.applicationId },
              'platform webhook could not be mapped; giving up',
            );
            if (group) {
              await deps.outbox.add(
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
              published = true;
            }
            return finish(tx, dedupeKey, 'failed', `mapping never arrived: ${plan.reason}`, attempts);
          }
          if (plan.kind === 'invalid') {
            logger.warn({ ...log, reason: plan.reason }, 'platform webhook is invalid');
            return finish(tx, dedupeKey, 'failed', plan.reason, attempts);
          }
          await publish(plan.payload, group as GroupMapping);
          return finish(tx, dedupeKey, 'processed', undefined, attempts);
        };

        switch (code) {
          case 'VERIFICATION_STARTED':
            // Recorded only: nothing downstream depends on a start.
            return void (await finish(tx, dedupeKey, 'processed', undefined, attempts));
          case 'VERIFICATION_COMPLETED': {
            const verificationId = text(fields.verification_id);
            const verification = verificationId
              ? ((await tx.verification.findUnique({ where: { verificationId } })) ?? undefined)
              : undefined;
            const group = await loadGroup(tx, verification?.applicantGroupId);
            await settle(
              planVerificationCompleted(fields, verification, group),
              async (payload, g) => {
                await deps.outbox.add(tx, VerificationCompleted, payload, {
                  tenantId: g.tenantId,
                  correlationId: g.applicationId,
                });
                published = true;
              },
              group,
            );
            return;
          }
          case 'REPORT_READY': {
            const group = await loadGroup(tx, text(fields.applicant_group_id));
            await settle(
              planReportCompleted(fields, group),
              async (payload, g) => {
                const event = buildEvent(ReportCompleted, payload, {
                  tenantId: g.tenantId,
                  correlationId: g.applicationId,
                });
                const claimed = await tx.$queryRaw<{ report_id: string }[]>`
                INSERT INTO published_reports (report_id, applicant_group_id, event_id)
                VALUES (${payload.reportId}, ${payload.applicantGroupId}, ${event.id}::uuid)
                ON CONFLICT (report_id) DO NOTHING RETURNING report_id`;
                if (claimed.length === 0)
                  return void logger.info(
                    { ...log, reportId: payload.reportId },
                    'report already published; repeat ignored',
                  );
                await deps.outbox.addEvent(tx, event);
                published = true;
              },
              group,
            );
            return;
          }
          default:
            logger.info(log, 'platform webhook code not processed');
            return void (await finish(tx, dedupeKey, 'ignored', `code ${code} is not processed`, attempts));
        }
      });
    } catch (error) {
      if (error instanceof MappingNotYetKnown) {
        logger.info(
          { dedupeKey, attempt: attempts, reason: error.message },
          'platform webhook waits for its id mapping',
        );
        await deps.transactions.run((tx) =>
          tx.platformWebhook.update({
            where: { dedupeKey },
            data: { attempts, failureReason: error.message },
          }),
        );
      }
      throw error;
    }
    if (published) deps.relay.wake();
  };
}
