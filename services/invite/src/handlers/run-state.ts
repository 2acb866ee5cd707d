import type { Tenants } from '@autoverify/config';
import type { Logger } from '@autoverify/logger';
import type { Outbox } from '@autoverify/messaging';
import type { VerificationClient } from '@autoverify/verification-client';
import type { PrismaClient, Tx } from '../db.ts';
import type { PlatformVerificationRef } from '../domain/invites.ts';
import type { Applicant } from '../generated/prisma/client.ts';
import type { JobSender } from '../ports.ts';

export interface RequestVerificationDeps {
  prisma: PrismaClient;
  outbox: Outbox<Tx>;
  jobs: JobSender;
  platform: VerificationClient;
  tenants: Tenants;
  relay: { wake(): void };
  logger: Logger;
  /** Where the platform sends its webhooks: `${INGEST_PUBLIC_URL}/webhooks/verification-platform`. */
  webhookUrl: string;
  now?: () => Date;
  /** How long a run holds its claim on the application; a crashed run's claim lapses after it. */
  leaseMs?: number;
}

/** An applicant the platform gave us ids for, written in the completing transaction. */
export interface Recorded {
  applicant: Applicant;
  groupId: string;
  platformApplicantId: string;
  email: string | null;
  phone: string | null;
  verifications: PlatformVerificationRef[];
}

export interface Rejection {
  applicant: Applicant;
  detail: string;
}

export interface ContactUpdate {
  applicant: Applicant;
  email: string | null;
  phone: string | null;
}

/** An applicant held back by something only a person can fix, reported once as InviteBlocked. */
export interface Held {
  applicant: Applicant;
  reason: 'rent_unknown' | 'platform_ids_unavailable';
  detail: string;
  /** The platform group the applicant is in, when one was created. */
  groupId?: string;
  /** False while a transient failure is retried (recorded, not yet reported). */
  report: boolean;
}

/** What one run learnt from the platform. */
export interface RunState {
  recorded: Recorded[];
  /** Groups whose id mapping changed in this run: one VerificationRequested each (even without applicants). */
  groups: Set<string>;
  /** The application's own group, recorded as soon as it is known so it is never created twice. */
  primaryGroupId?: string;
  rejected: Rejection[];
  contactUpdates: ContactUpdate[];
  held: Held[];
  /** A transient failure for part of the work: what succeeded is recorded, then the job retries. */
  retryable?: Error;
}

export const emptyRunState = (): RunState => ({
  recorded: [],
  groups: new Set(),
  rejected: [],
  contactUpdates: [],
  held: [],
});

/** The verifications recorded on an applicant row (`platform_verifications`). */
export function refsOf(applicant: Applicant): PlatformVerificationRef[] {
  return Array.isArray(applicant.platformVerifications)
    ? (applicant.platformVerifications as unknown as PlatformVerificationRef[])
    : [];
}
