import { VerificationCompleted } from '@autoverify/contracts';
import { handle } from '@autoverify/messaging';
import type { Tx } from '../db.ts';
import { findInvite, markCompleted } from '../store/invites.ts';

/**
 * Marks the invite completed so it is never reported as expired. The platform may report a
 * completion more than once (applicants can reopen): a repeat changes nothing. A completion after
 * expiry (a reopened request) still counts.
 */
export function verificationCompletedHandler() {
  return handle(VerificationCompleted, async (event, tx: Tx, { logger }) => {
    const { applicantId, kind, applicationId } = event.payload;
    if (await markCompleted(tx, applicantId, kind, new Date(event.occurredAt))) {
      logger.info({ applicationId, applicantId, kind }, 'invite completed');
      return;
    }
    if (!(await findInvite(tx, applicantId, kind)))
      logger.warn({ applicationId, applicantId, kind }, 'completion for an invite we do not know; ignored');
  });
}
