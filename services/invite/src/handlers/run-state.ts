import type { ResolvedProperty } from '@autoverify/config';
import type { VerificationKind } from '@autoverify/contracts';
import type { PlatformVerificationRef } from '../domain/invites.ts';
import type { Applicant, ApplicationWithApplicants } from '../store/applications.ts';

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

/**
 * What one run of the platform job learnt from the platform (platform-sync.ts fills it in, nothing is
 * written meanwhile), recorded afterwards in one transaction (record-run.ts).
 */
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

/** One run's view of the application, shared by the platform steps, and the state they fill in. */
export interface PlatformRun {
  application: ApplicationWithApplicants;
  settings: ResolvedProperty;
  kinds: VerificationKind[];
  state: RunState;
  /** The job's last attempt: a transient failure is then reported instead of retried. */
  finalAttempt: boolean;
}

export const emptyRunState = (): RunState => ({
  recorded: [],
  groups: new Set(),
  rejected: [],
  contactUpdates: [],
  held: [],
});
