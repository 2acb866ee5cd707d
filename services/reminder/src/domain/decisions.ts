import type { PayloadOf, ReportCompleted, VerificationCompleted } from '@autoverify/contracts';
import { nextAllowedTime } from './quiet-hours.ts';

export type Kind = 'income' | 'identity';

/** Why an applicant's reminders of one kind stop for good. */
export type CloseReason = 'completed' | 'expired';

export interface ApplicantKind {
  applicantId: string;
  kind: Kind;
}

/** The applicant×kind pairs a completion signal closes. */
export function completionsOfVerification(payload: PayloadOf<typeof VerificationCompleted>): ApplicantKind[] {
  return [{ applicantId: payload.applicantId, kind: payload.kind }];
}

/**
 * A ready report proves its kind complete for every applicant it covers (a household income report covers
 * several). Asset reports are not a kind we remind about.
 */
export function completionsOfReport(payload: PayloadOf<typeof ReportCompleted>): ApplicantKind[] {
  const kind = payload.reportType;
  if (kind !== 'income' && kind !== 'identity') return [];
  return [...new Set(payload.applicantIds)].map((applicantId) => ({ applicantId, kind }));
}

/** A ReminderCancelled event is only worth publishing when something was actually cancelled. */
export const shouldAnnounceCancellation = (cancelled: number): boolean => cancelled > 0;

export type ReminderStatus = 'scheduled' | 'sent' | 'cancelled' | 'skipped';

export interface FireInput {
  status: ReminderStatus;
  /** Set when the applicant×kind was completed or expired (possibly before the invite was seen). */
  closed: CloseReason | null;
  expiresAt: Date;
  now: Date;
  timeZone: string;
  state: string;
  /** A later reminder of the same applicant×kind is due as well (the jobs ran late, e.g. after an outage). */
  laterDue: boolean;
}

export type FireDecision =
  /** Already sent, cancelled or skipped: a duplicate or stale job. */
  | { action: 'ignore' }
  | { action: 'cancel'; reason: CloseReason }
  /** The job ran inside quiet hours (e.g. late after an outage): try again when the window opens. */
  | { action: 'reschedule'; dueAt: Date }
  /** Quiet hours last until the invite expires: the reminder can never be sent. */
  | { action: 'skip'; detail: string }
  | { action: 'send' };

/** What a due reminder job does, decided at fire time (state may have changed since it was scheduled). */
export function decideFire(input: FireInput): FireDecision {
  if (input.status !== 'scheduled') return { action: 'ignore' };
  if (input.closed) return { action: 'cancel', reason: input.closed };
  if (input.now.getTime() >= input.expiresAt.getTime()) return { action: 'cancel', reason: 'expired' };
  const allowed = nextAllowedTime(input.now, input.timeZone, input.state);
  if (allowed.getTime() === input.now.getTime()) {
    // Two reminders moments apart only annoy: after a backlog, the latest one due speaks for the others.
    if (input.laterDue)
      return { action: 'skip', detail: 'superseded by a later reminder that is due as well' };
    return { action: 'send' };
  }
  if (allowed.getTime() >= input.expiresAt.getTime()) {
    return { action: 'skip', detail: 'quiet hours last until the invite expires' };
  }
  return { action: 'reschedule', dueAt: allowed };
}
