import { VerificationPlatformError } from '@autoverify/verification-client';
import { rejectedApplicantIndex } from './platform-mapping.ts';

/** 404/405: the platform does not offer the (undocumented) call. */
export function notOffered(error: unknown): boolean {
  return error instanceof VerificationPlatformError && (error.status === 404 || error.status === 405);
}

/** Documented: 400 for validation errors (409/422 read the same); the platform refuses what we sent. */
export function isApplicantRejection(error: unknown): error is VerificationPlatformError {
  return (
    error instanceof VerificationPlatformError &&
    !error.retryable &&
    (error.status === 400 || error.status === 409 || error.status === 422)
  );
}

/** What the platform said about the applicant at `index` of the request, for InviteBlocked platform_rejected. */
export function rejectionDetail(error: VerificationPlatformError, index: number): string {
  const own = error.problems.filter((p) => rejectedApplicantIndex(p.field) === index);
  const problems = own.length > 0 ? own : error.problems;
  const text = problems
    .map((p) =>
      p.field ? `${p.field.replace(/^\/?applicants(\[\d+\]\.|\/\d+\/)/, '')}: ${p.message}` : p.message,
    )
    .join('; ');
  return `the verification platform rejected the applicant (HTTP ${error.status})${text ? `: ${text}` : ''}`;
}
