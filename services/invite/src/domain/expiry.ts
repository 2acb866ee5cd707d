const DAY_MS = 24 * 60 * 60 * 1000;

/** When an invite sent at `sentAt` expires; fractional days are allowed by the tenant settings. */
export function inviteExpiresAt(sentAt: Date, inviteExpiryDays: number): Date {
  if (!(inviteExpiryDays > 0))
    throw new RangeError(`inviteExpiryDays must be positive, got ${inviteExpiryDays}`);
  return new Date(sentAt.getTime() + Math.round(inviteExpiryDays * DAY_MS));
}

/** An invite expires only if it is still open at its expiry time; a completed one never does. */
export function shouldExpire(invite: { status: string; expiresAt: Date }, now: Date): boolean {
  return invite.status === 'sent' && invite.expiresAt.getTime() <= now.getTime();
}
