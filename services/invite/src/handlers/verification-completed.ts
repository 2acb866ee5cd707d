import { VerificationCompleted } from '@autoverify/contracts';
import { handle } from '@autoverify/messaging';
import type { Tx } from '../db.ts';

/**
 * Marks the invite completed so it is never reported as expired. The platform may report a
 * completion more than once (applicants can reopen): a repeat changes nothing. A completion after
 * expiry (a reopened request) still counts.
 */
export function verificationCompletedHandler() {
  return handle(VerificationCompleted, async (event, tx: Tx, ctx) => {
    const { applicantId, kind, applicationId } = event.payload;
    const updated = await tx.invite.updateMany({
      where: { applicantId, kind, status: { in: ['sent', 'expired'] } },
      data: { status: 'completed', completedAt: new Date(event.occurredAt) },
    });
    if (updated.count > 0) {
      ctx.logger.info({ applicationId, applicantId, kind }, 'invite completed');
      return;
    }
    const invite = await tx.invite.findUnique({ where: { applicantId_kind: { applicantId, kind } } });
    if (!invite)
      ctx.logger.warn(
        { applicationId, applicantId, kind },
        'completion for an invite we do not know; ignored',
      );
  });
}
