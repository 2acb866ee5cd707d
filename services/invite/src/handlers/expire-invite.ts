import { InviteExpired } from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import type { Outbox } from '@autoverify/messaging';
import type { PrismaClient, Tx } from '../db.ts';
import { shouldExpire } from '../domain/expiry.ts';
import type { VerificationKind } from '../domain/notification-id.ts';
import { JOB_NAMES, type JobSender } from '../ports.ts';

export interface ExpireInviteDeps {
  prisma: PrismaClient;
  outbox: Outbox<Tx>;
  jobs: JobSender;
  relay: { wake(): void };
  logger: Logger;
  now?: () => Date;
}

export interface ExpireJobData {
  applicantId: string;
  kind: VerificationKind;
}

/** The `expire-invite` job, scheduled at the invite's expiry: reports it expired unless it was completed. */
export function expireInviteJob(deps: ExpireInviteDeps) {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ job: JOB_NAMES.expire });

  return async function run(data: ExpireJobData): Promise<void> {
    const { applicantId, kind } = data;
    const expired = await deps.prisma.$transaction(async (tx) => {
      const invite = await tx.invite.findUnique({ where: { applicantId_kind: { applicantId, kind } } });
      if (!invite) {
        logger.warn({ applicantId, kind }, 'expiry for an unknown invite; ignored');
        return false;
      }
      const at = now();
      if (!shouldExpire(invite, at)) {
        if (invite.status === 'sent') {
          // Ran early (clock skew between workers): look again at the recorded expiry.
          await deps.jobs.send(JOB_NAMES.expire, data, { tx, startAfter: invite.expiresAt });
        }
        return false;
      }
      // Conditional update: a completion committed meanwhile wins, and a repeat of this job does nothing.
      const updated = await tx.invite.updateMany({
        where: { applicantId, kind, status: 'sent' },
        data: { status: 'expired', expiredAt: at },
      });
      if (updated.count === 0) return false;
      const application = await tx.application.findUniqueOrThrow({ where: { id: invite.applicationId } });
      await deps.outbox.add(
        tx,
        InviteExpired,
        { applicationId: invite.applicationId, applicantId, kind, expiredAt: invite.expiresAt.toISOString() },
        { tenantId: application.tenantId, correlationId: invite.applicationId },
      );
      logger.info({ applicationId: invite.applicationId, applicantId, kind }, 'invite expired');
      return true;
    });
    if (expired) deps.relay.wake();
  };
}
