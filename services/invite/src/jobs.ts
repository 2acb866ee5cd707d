import type { VerificationKind } from '@autoverify/contracts';
import { defineJob } from '@autoverify/service-kit';

export interface CreateVerificationRequestData {
  applicationId: string;
}

/**
 * Brings the platform in line with an application's applicants and sends the invitations that are due
 * (handlers/request-verification.ts); key = `<applicationId>:r<revision>`. A platform outage is retried
 * 30 s, 1, 2, 4 ... minutes apart, some 8 hours in all, before the application is recorded as failed.
 */
export const createVerificationRequest = defineJob<CreateVerificationRequestData>({
  name: 'create-verification-request',
  retry: { limit: 10, delaySeconds: 30, backoff: true },
  concurrency: 2,
});

export interface ExpireInviteData {
  applicantId: string;
  kind: VerificationKind;
}

/**
 * Reports an invite expired at its expiry time (enqueued with startAfter = expiresAt, key = applicant:kind).
 * Only database failures can make it fail: retried 30 s, 1, 2, 4, 8 minutes apart.
 */
export const expireInvite = defineJob<ExpireInviteData>({
  name: 'expire-invite',
  retry: { limit: 5, delaySeconds: 30, backoff: true },
  concurrency: 2,
});
