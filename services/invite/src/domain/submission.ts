import {
  assessContact,
  type ChannelSettings,
  type ContactAssessment,
  type ContactDetails,
  sameContact,
} from './contact.ts';

export interface SubmittedApplicant extends ContactDetails {
  applicantId: string;
}

export interface KnownApplicant extends ContactDetails {
  applicantId: string;
  /** Blocked in our records (no usable contact) - its reason and detail, to report a block only once. */
  blocked?: { reason: string; detail: string | null } | null;
  /** The platform rejected this applicant (e.g. an email it considers invalid). */
  rejected?: boolean;
  /** In a platform group, but the platform gave no ids/links for them yet: every submission reads it again. */
  awaitingIds?: boolean;
}

/**
 * - `new`: first time we see the application.
 * - `unchanged`: seen before with the same email and phone (a replay or an identical re-submission).
 * - `contact_changed`: seen before, email or phone differ: the platform applicant is updated and the
 *   invite goes again, only to the new contact.
 * - `added`: not invited before (new on the application, previously blocked and now reachable, or
 *   rejected by the platform and now with different contact details).
 */
export type ApplicantChange = 'new' | 'unchanged' | 'contact_changed' | 'added';

export interface ApplicantDecision extends ContactAssessment {
  applicantId: string;
  change: ApplicantChange;
  /** Emit InviteBlocked: blocked now, and not already reported with the same detail. */
  reportBlock: boolean;
}

export interface SubmissionDecision {
  firstTime: boolean;
  /** Enqueue the platform job: someone must be created, added or updated at the platform, or read again. */
  syncPlatform: boolean;
  applicants: ApplicantDecision[];
}

/**
 * What to do with one ApplicationSubmitted, from what we knew before (undefined: never seen) and the
 * channels the property allows. Pure, so replays, re-submissions and edits are unit-tested here.
 * Applicants missing from a re-submission are left as they are (an invite already sent is not undone).
 */
export function decideSubmission(
  known: KnownApplicant[] | undefined,
  submitted: SubmittedApplicant[],
  channels: ChannelSettings,
): SubmissionDecision {
  const before = new Map((known ?? []).map((a) => [a.applicantId, a]));
  const applicants = submitted.map((applicant): ApplicantDecision => {
    const assessment = assessContact(applicant, channels);
    const previous = before.get(applicant.applicantId);
    const reportBlock =
      assessment.blocked !== undefined &&
      (previous?.blocked?.reason !== assessment.blocked.reason ||
        previous.blocked.detail !== assessment.blocked.detail);
    return {
      applicantId: applicant.applicantId,
      change: changeOf(known, previous, applicant),
      reportBlock,
      ...assessment,
    };
  });
  // A replay (support) or re-submission is how a group whose ids the platform did not give is read again.
  const syncPlatform =
    applicants.some((a) => !a.blocked && a.change !== 'unchanged') ||
    (known ?? []).some((a) => a.awaitingIds);
  return { firstTime: known === undefined, syncPlatform, applicants };
}

function changeOf(
  known: KnownApplicant[] | undefined,
  previous: KnownApplicant | undefined,
  current: SubmittedApplicant,
): ApplicantChange {
  if (known === undefined) return 'new';
  if (!previous || previous.blocked) return 'added';
  const same = sameContact(previous, current);
  // A rejected applicant is tried again only with different contact details; a replay changes nothing.
  if (previous.rejected) return same ? 'unchanged' : 'added';
  return same ? 'unchanged' : 'contact_changed';
}
