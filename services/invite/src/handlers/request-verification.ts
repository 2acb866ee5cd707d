import type { JobAttempt } from '@autoverify/service-kit';
import { tagActiveSpan } from '@autoverify/telemetry';
import { isVerificationPlatformError } from '@autoverify/verification-client';
import { type CreateVerificationRequestData, createVerificationRequest } from '../jobs.ts';
import type { InviteContext } from '../service.ts';
import { claimApplication, releaseAfterFailure } from '../store/applications.ts';
import { syncWithPlatform } from './platform-sync.ts';
import { recordRun } from './record-run.ts';

/** How long a run holds its claim on the application; a crashed run's claim lapses after it. */
const LEASE_MS = 5 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `create-verification-request` job: brings the platform in line with our applicants and sends the
 * invitations that are due. Every step is idempotent, so the first submission, a changed contact, a
 * newcomer, the rent becoming known, a retry after a time-out and a retry after a crash all run the same code:
 *   1. claim the application row (a lease: never two runs at once), one statement on ctx.db.sql;
 *   2. talk to the platform (platform-sync.ts: create the group or find it again, read it back for the ids,
 *      add newcomers, update contacts), collecting what it learnt in a RunState;
 *   3. in ONE transaction record that outcome and publish VerificationRequested, InviteBlocked,
 *      NotificationRequested and InviteSent (record-run.ts, send-invites.ts), releasing the claim;
 *   4. on a failure, release the claim as queued (a retry follows) or failed (recorded for support), one
 *      statement on ctx.db.sql.
 * Plain pg throughout, no Prisma: it runs once or more per application (docs/architecture.md "Data access
 * rules").
 */
export function createVerificationRequestJob(serviceCtx: InviteContext) {
  const ctx: InviteContext = {
    ...serviceCtx,
    logger: serviceCtx.logger.child({ job: createVerificationRequest.name }),
  };

  return async (data: CreateVerificationRequestData, attempt: JobAttempt): Promise<void> => {
    const applicationId = (data as Partial<CreateVerificationRequestData> | null)?.applicationId;
    if (typeof applicationId !== 'string' || !UUID.test(applicationId)) {
      // Nothing to retry: a job we did not enqueue, or a corrupted payload.
      ctx.logger.error({ data }, 'platform job without an application id: dropped');
      return;
    }
    tagActiveSpan({ applicationId });
    const now = ctx.clock.now();
    const claim = await claimApplication(ctx.db.sql, applicationId, now, new Date(now.getTime() + LEASE_MS));
    if (claim === 'unknown') {
      ctx.logger.error({ applicationId }, 'platform job for an unknown application; dropped');
      return;
    }
    if (claim === 'busy') {
      // Another run holds the claim: try again later (its own changes are picked up by whoever runs last).
      throw new Error(`application ${applicationId} is being processed by another run`);
    }

    try {
      const state = await syncWithPlatform(ctx, applicationId, attempt.final);
      await recordRun(ctx, applicationId, state);
      if (state.retryable) throw state.retryable;
    } catch (error) {
      const retryable = !isVerificationPlatformError(error) || error.retryable;
      const final = attempt.final || !retryable;
      const message = error instanceof Error ? error.message : String(error);
      await releaseAfterFailure(ctx.db.sql, applicationId, final ? 'failed' : 'queued', message);
      const fields = { applicationId, attempt: attempt.number, err: error };
      if (final) ctx.logger.error(fields, 'verification request failed for good; support must look at it');
      else {
        ctx.logger.warn(fields, 'verification request failed; will retry');
        throw error;
      }
    }
  };
}
