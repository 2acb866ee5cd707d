import { createHash } from 'node:crypto';
import type { Channel, VerificationKind } from '@autoverify/contracts';
import type { ChannelSettings } from './contact.ts';
import { inviteNotificationId } from './notification-id.ts';

/** What support asks for in POST /admin/invites/resend. */
export interface ResendRequest {
  applicationId: string;
  applicantId: string;
  kind: VerificationKind;
  /** Absent: every channel the applicant can be reached on and the property allows. */
  channels?: Channel[];
  requestedBy: string;
  reason: string;
}

export interface ResendProblem {
  status: 404 | 409 | 422;
  type: string;
  title: string;
  detail: string;
}

export interface ResendState {
  /** The applicant in that application with the contact the platform accepted; null when unknown. */
  applicant: { platformEmail: string | null; platformPhone: string | null } | null;
  /** The invite of that applicant and kind; null when none was sent. */
  invite: { status: string; expiresAt: Date; completedAt?: Date | null } | null;
  channels: ChannelSettings;
  /** 1 for the first re-send of this applicant and kind. */
  sequence: number;
  now: Date;
}

export interface ResendNotification {
  notificationId: string;
  channel: Channel;
  to: string;
}

export type ResendDecision =
  | { ok: true; notifications: ResendNotification[] }
  | { ok: false; problem: ResendProblem };

const CHANNEL_ORDER: Channel[] = ['email', 'sms'];

/**
 * The id of a deliberate re-send: the regular invite id plus `:resend<n>`, so it never collides with the
 * original (which a replay would reproduce and notify would drop) and a retried transaction reuses it.
 */
export function resendNotificationId(
  applicantId: string,
  kind: VerificationKind,
  channel: Channel,
  contact: string,
  sequence: number,
): string {
  if (!Number.isInteger(sequence) || sequence < 1)
    throw new RangeError(`resend sequence must be a positive integer, got ${sequence}`);
  return `${inviteNotificationId(applicantId, kind, channel, contact)}:resend${sequence}`;
}

/** Fingerprint of a request: an Idempotency-Key reused for a different request is refused. */
export function resendRequestHash(request: ResendRequest): string {
  const canonical = JSON.stringify([
    request.applicationId.toLowerCase(),
    request.applicantId.toLowerCase(),
    request.kind,
    request.channels ? [...new Set(request.channels)].sort() : null,
    request.requestedBy,
    request.reason,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Whether support may re-send this invite, and to whom. Only an open invite is re-sent: a completed
 * verification needs nothing, and an expired link would not work (a new request is needed). Messages go
 * to the contact the platform accepted, as the original invite did.
 */
export function decideResend(request: ResendRequest, state: ResendState): ResendDecision {
  const { applicantId, kind } = request;
  if (!state.applicant)
    return refuse(
      404,
      'urn:problem:not-found',
      'Not Found',
      `Applicant ${applicantId} is not part of application ${request.applicationId}`,
    );
  if (!state.invite)
    return refuse(
      404,
      'urn:problem:not-found',
      'Not Found',
      `No ${kind} invitation with a verification link has been sent to applicant ${applicantId}`,
    );
  if (state.invite.status === 'completed')
    return refuse(
      409,
      'urn:problem:invite-completed',
      'Verification Already Completed',
      `The ${kind} verification of applicant ${applicantId} is already completed${
        state.invite.completedAt ? ` (${state.invite.completedAt.toISOString()})` : ''
      }; there is nothing to re-send`,
    );
  if (state.invite.status === 'expired' || state.invite.expiresAt.getTime() <= state.now.getTime())
    return refuse(
      409,
      'urn:problem:invite-expired',
      'Invitation Expired',
      `The ${kind} invitation of applicant ${applicantId} expired at ${state.invite.expiresAt.toISOString()}; its link no longer works, so it cannot be re-sent`,
    );

  const available = new Map<Channel, string>();
  const unavailable = new Map<Channel, string>();
  for (const channel of CHANNEL_ORDER) {
    const to = channel === 'email' ? state.applicant.platformEmail : state.applicant.platformPhone;
    if (!state.channels[channel])
      unavailable.set(
        channel,
        `${channel === 'email' ? 'email' : 'text'} invitations are disabled for this property`,
      );
    else if (!to)
      unavailable.set(
        channel,
        `the applicant has no ${channel === 'email' ? 'email address' : 'mobile phone number'} the verification platform accepted`,
      );
    else available.set(channel, to);
  }

  const wanted = request.channels
    ? CHANNEL_ORDER.filter((c) => request.channels?.includes(c))
    : CHANNEL_ORDER.filter((c) => available.has(c));
  const refused = wanted.filter((c) => !available.has(c));
  if (refused.length > 0)
    return refuse(
      422,
      'urn:problem:channel-unavailable',
      'Channel Unavailable',
      refused.map((c) => `${c}: ${unavailable.get(c)}`).join('; '),
    );
  if (wanted.length === 0)
    return refuse(
      422,
      'urn:problem:channel-unavailable',
      'Channel Unavailable',
      `Applicant ${applicantId} cannot be reached on any channel: ${[...unavailable]
        .map(([c, why]) => `${c}: ${why}`)
        .join('; ')}`,
    );

  return {
    ok: true,
    notifications: wanted.map((channel) => {
      const to = available.get(channel) as string;
      return {
        channel,
        to,
        notificationId: resendNotificationId(applicantId, kind, channel, to, state.sequence),
      };
    }),
  };
}

function refuse(
  status: ResendProblem['status'],
  type: string,
  title: string,
  detail: string,
): ResendDecision {
  return { ok: false, problem: { status, type, title, detail } };
}
