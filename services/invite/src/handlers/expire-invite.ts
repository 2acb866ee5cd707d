import { InviteExpired } from '@autoverify/contracts';
import { shouldExpire } from '../domain/expiry.ts';
import { type ExpireInviteData, expireInvite } from '../jobs.ts';
import type { InviteContext } from '../service.ts';
import { findApplication } from '../store/applications.ts';
import { findInvite, markExpired } from '../store/invites.ts';

/**
 * The `expire-invite` job, scheduled at the invite's expiry: reports it expired unless it was completed. One
 * plain-pg transaction (ctx.db.transaction) per invite, sharing the application read with the platform job
 * and the invite read with support's re-send.
 */
export function expireInviteJob(ctx: InviteContext) {
  const logger = ctx.logger.child({ job: expireInvite.name });

  return async (data: ExpireInviteData): Promise<void> => {
    const { applicantId, kind } = (data ?? {}) as Partial<ExpireInviteData>;
    if (typeof applicantId !== 'string' || (kind !== 'income' && kind !== 'identity')) {
      // Nothing to retry: a job we did not enqueue, or a corrupted payload.
      logger.error({ data }, 'expire-invite job without an applicant id and kind: dropped');
      return;
    }
    await ctx.db.transaction(async (tx) => {
      const invite = await findInvite(tx.sql, applicantId, kind);
      if (!invite) {
        logger.warn({ applicantId, kind }, 'expiry for an unknown invite; ignored');
        return;
      }
      const at = ctx.clock.now();
      if (!shouldExpire(invite, at)) {
        // Ran early (clock skew between workers): look again at the recorded expiry. No key: this run
        // still holds the invite's key, and a keyed send would be refused.
        if (invite.status === 'sent')
          await ctx.jobs.send(expireInvite, { applicantId, kind }, { tx, startAfter: invite.expiresAt });
        return;
      }
      // Conditional update: a completion committed meanwhile wins, and a repeat of this job does nothing.
      if (!(await markExpired(tx.sql, applicantId, kind, at))) return;
      const application = await findApplication(tx.sql, invite.applicationId);
      await tx.outbox.add(
        InviteExpired,
        { applicationId: invite.applicationId, applicantId, kind, expiredAt: invite.expiresAt.toISOString() },
        { tenantId: application.tenantId, correlationId: invite.applicationId },
      );
      logger.info({ applicationId: invite.applicationId, applicantId, kind }, 'invite expired');
    });
  };
}
