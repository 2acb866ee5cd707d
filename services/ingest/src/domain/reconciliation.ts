/**
 * Whether a prospect's status means "application submitted" for the reconciliation poll. Entrata names
 * application statuses "Application Started", "Application Partially Completed", "Application Completed",
 * "Application Approved", "Application Denied", "Application Cancelled"... A started or partial application
 * is not submitted yet; denied/cancelled ones must not trigger invites.
 */
export function isSubmittedApplicationStatus(status: string): boolean {
  if (!/application/i.test(status)) return false;
  return !/cancel|denied|declined|started|partial|archived|on hold/i.test(status);
}

/** The created-date window of a poll, as calendar dates (the client formats them for Entrata). */
export function reconciliationWindow(now: Date, lookbackDays: number): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - lookbackDays * 86_400_000), to: now };
}
