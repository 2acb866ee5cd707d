import type { VerificationKind } from '@autoverify/contracts';
import { sameEmail } from './contact.ts';
import type { PlatformVerificationRef } from './invites.ts';

export interface OurApplicant {
  applicantId: string;
  firstName: string;
  lastName: string;
  email?: string | null;
  mobilePhone?: string | null;
}

export interface TheirApplicant {
  id: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  phoneNumber?: string | undefined;
  link?: string | undefined;
  /** `kind` as the verification client read it from the platform's type (undefined: not one of ours). */
  verifications: { id: string; kind?: string | undefined; link?: string | undefined }[];
}

/**
 * Pairs our applicants with the platform's in a group we created (or found again after a crash).
 * The platform echoes no id of ours per applicant, so we match on what we sent: email, then phone,
 * then name, then position (the platform keeps the order of the request).
 */
export function matchPlatformApplicants<O extends OurApplicant, T extends TheirApplicant>(
  ours: O[],
  theirs: T[],
): Map<string, T> {
  const free = new Set(theirs);
  const result = new Map<string, T>();
  const rules: ((o: O, t: T) => boolean)[] = [
    (o, t) => Boolean(o.email && t.email && sameEmail(o.email, t.email)),
    (o, t) => Boolean(o.mobilePhone && t.phoneNumber && o.mobilePhone === t.phoneNumber),
    (o, t) => Boolean(t.firstName && t.lastName && o.firstName === t.firstName && o.lastName === t.lastName),
  ];
  for (const rule of rules) {
    for (const o of ours) {
      if (result.has(o.applicantId)) continue;
      const match = [...free].find((t) => rule(o, t));
      if (match) {
        result.set(o.applicantId, match);
        free.delete(match);
      }
    }
  }
  ours.forEach((o, index) => {
    const byPosition = theirs[index];
    if (!result.has(o.applicantId) && byPosition && free.has(byPosition)) {
      result.set(o.applicantId, byPosition);
      free.delete(byPosition);
    }
  });
  return result;
}

/**
 * Our view of a platform applicant's verifications: the kinds we use, each with its id (what webhooks are
 * mapped by) and its invitation link when the platform gave one (without it nothing can be sent).
 */
export function verificationRefs(applicant: TheirApplicant): PlatformVerificationRef[] {
  const refs: PlatformVerificationRef[] = [];
  for (const v of applicant.verifications) {
    if (v.kind !== 'income' && v.kind !== 'identity') continue;
    const link = v.link ?? applicant.link;
    refs.push({ kind: v.kind as VerificationKind, verificationId: v.id, ...(link ? { link } : {}) });
  }
  return refs;
}

/** Index of the request applicant a platform problem refers to: `applicants[1].email` or `/applicants/1/email`. */
export function rejectedApplicantIndex(field: string | undefined): number | undefined {
  const match = field ? /applicants(?:\[(\d+)\]|\/(\d+))/.exec(field) : null;
  return match ? Number(match[1] ?? match[2]) : undefined;
}
