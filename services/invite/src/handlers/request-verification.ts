import { isVerificationPlatformError } from '@autoverify/verification-client';
import { JOB_NAMES, type JobAttempt } from '../ports.ts';
import { platformSync } from './platform-sync.ts';
import { recordRun } from './record-run.ts';
import type { RequestVerificationDeps } from './run-state.ts';

export type { RequestVerificationDeps } from './run-state.ts';

export interface RequestJobData {
  applicationId: string;
}

/**
 * The `create-verification-request` job: brings the platform in line with our applicants and sends the
 * invitations that are due. Every step is idempotent, so the first submission, a changed contact, a
 * newcomer, the rent becoming known, a retry after a time-out and a retry after a crash all run the same code:
 *   claim the application row (lease) -> talk to the platform (platform-sync.ts: create the group or find
 *   it again, read it back for the ids, add newcomers, update contacts) -> in ONE transaction record the
 *   outcome, publish VerificationRequested, InviteBlocked, NotificationRequested and InviteSent
 *   (record-run.ts) -> release the claim.
 */
export function requestVerificationJob(deps: RequestVerificationDeps) {
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const logger = deps.logger.child({ job: JOB_NAMES.request });
  const talkToPlatform = platformSync(deps);
  const complete = recordRun(deps);

  return async function run(data: RequestJobData, attempt: JobAttempt): Promise<void> {
    const { applicationId } = data;
    const claimed = await deps.prisma.application.updateMany({
      where: {
        id: applicationId,
        OR: [{ requestStatus: { not: 'running' } }, { leaseUntil: { lt: now() } }],
      },
      data: {
        requestStatus: 'running',
        leaseUntil: new Date(now().getTime() + leaseMs),
        requestAttempts: { increment: 1 },
      },
    });
    if (claimed.count === 0) {
      const exists = await deps.prisma.application.count({ where: { id: applicationId } });
      if (!exists) {
        logger.error({ applicationId }, 'platform job for an unknown application; dropped');
        return;
      }
      // Another run holds the claim: try again later (its own changes are picked up by whoever runs last).
      throw new Error(`application ${applicationId} is being processed by another run`);
    }

    try {
      const state = await talkToPlatform(applicationId, attempt.final);
      await complete(applicationId, state);
      deps.relay.wake();
      if (state.retryable) throw state.retryable;
    } catch (error) {
      await recordFailure(applicationId, error, attempt);
      const retryable = !isVerificationPlatformError(error) || error.retryable;
      if (retryable && !attempt.final) throw error;
    }
  };

  async function recordFailure(applicationId: string, error: unknown, attempt: JobAttempt): Promise<void> {
    const retryable = !isVerificationPlatformError(error) || error.retryable;
    const final = attempt.final || !retryable;
    const message = error instanceof Error ? error.message : String(error);
    await deps.prisma.application.updateMany({
      where: { id: applicationId },
      data: { requestStatus: final ? 'failed' : 'queued', leaseUntil: null, lastError: message },
    });
    const fields = { applicationId, attempt: attempt.attempt, err: error };
    if (final) logger.error(fields, 'verification request failed for good; support must look at it');
    else logger.warn(fields, 'verification request failed; will retry');
  }
}
