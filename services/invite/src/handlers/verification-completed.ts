import { VerificationCompleted } from '@autoverify/contracts';
import { handle } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { completeInvite } from '../store/invites.ts';

/**
 * Marks the invite completed so it is never reported as expired. The platform may report a
 * completion more than once (applicants can reopen): a repeat changes nothing. A completion after
 * expiry (a reopened request) still counts.
 */
export function verificationCompletedHandler() {
  return handle(VerificationCompleted, async (event, tx: SqlTransaction, { logger }) => {
    const { applicantId, kind, applicationId } = event.payload;
    const outcome = await completeInvite(tx.sql, applicantId, kind, new Date(event.occurredAt));
    if (outcome === 'completed') logger.info({ applicationId, applicantId, kind }, 'invite completed');
    else if (outcome === 'unknown')
      logger.warn({ applicationId, applicantId, kind }, 'completion for an invite we do not know; ignored');
  });
}
