import type { ApplicationSubmitted, Channel, PayloadOf } from '@autoverify/contracts';

export type ContactIssue = PayloadOf<
  typeof ApplicationSubmitted
>['applicants'][number]['contactIssues'][number];
export type BlockReason = 'no_contact' | 'invalid_contact';

export interface ContactDetails {
  email?: string | null;
  mobilePhone?: string | null;
  contactIssues: ContactIssue[];
}

export interface ChannelSettings {
  email: boolean;
  sms: boolean;
}

export interface ContactAssessment {
  /** Channels an invite can go out on (contact present and the channel enabled for the property). */
  usable: Channel[];
  /** Set when nothing can be sent: the applicant is not sent to the platform and support is told. */
  blocked?: { reason: BlockReason; detail: string };
  /** Channels that cannot be used although the applicant is invited on another one. */
  notes: string[];
}

const FIELD_NAME: Record<ContactIssue['field'], string> = {
  email: 'email address',
  phone: 'mobile phone number',
};

/**
 * Which channels can carry an invite. An applicant with one usable channel is invited on it (the
 * other channel's problem is kept as a note); only an applicant with none is blocked, with a detail
 * that says exactly what is missing or invalid so leasing staff can fix it in Entrata.
 */
export function assessContact(contact: ContactDetails, channels: ChannelSettings): ContactAssessment {
  const usable: Channel[] = [];
  if (contact.email && channels.email) usable.push('email');
  if (contact.mobilePhone && channels.sms) usable.push('sms');

  const problems: string[] = [];
  for (const field of ['email', 'phone'] as const) {
    const present = field === 'email' ? Boolean(contact.email) : Boolean(contact.mobilePhone);
    const issue = contact.contactIssues.find((i) => i.field === field);
    const enabled = field === 'email' ? channels.email : channels.sms;
    if (issue?.problem === 'invalid') problems.push(`${FIELD_NAME[field]} in Entrata is invalid`);
    else if (!present) problems.push(`no ${FIELD_NAME[field]} in Entrata`);
    else if (!enabled)
      problems.push(`${field === 'email' ? 'email' : 'text'} invitations are disabled for this property`);
  }

  if (usable.length > 0) return { usable, notes: problems };
  const invalid = contact.contactIssues.some((i) => i.problem === 'invalid');
  return {
    usable,
    blocked: { reason: invalid ? 'invalid_contact' : 'no_contact', detail: problems.join('; ') },
    notes: [],
  };
}

/**
 * The form in which invite compares email addresses and hashes them into notification ids; never sent
 * anywhere (messages go to the address as given). Ingest has already validated the address, trimmed it and
 * lower-cased its domain (services/ingest/src/domain/contacts.ts), keeping the local part as Entrata has it
 * because RFC 5321 lets a mailbox host tell `Ada@` from `ada@`. For comparing, invite folds the local part
 * too: no mainstream provider treats it case-sensitively (the RFC itself discourages relying on it), the
 * platform may echo an address in another case than we sent, and a case-only edit in Entrata taken for a
 * new address would send the applicant a second invitation (duplicate invites are what users complain
 * about). So two addresses ingest calls equal are equal here too. Changing this rule changes notification
 * ids (contactHash), and every replay after the change would invite again.
 */
export const emailKey = (email: string): string => email.trim().toLowerCase();

/** Whether two optional addresses are the same mailbox by emailKey (two absent ones are the same). */
export const sameEmail = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ? emailKey(a) : null) === (b ? emailKey(b) : null);

/** Same contact = same email (emailKey) and phone; names and issue lists do not matter for invites. */
export function sameContact(a: ContactDetails, b: ContactDetails): boolean {
  return sameEmail(a.email, b.email) && (a.mobilePhone ?? null) === (b.mobilePhone ?? null);
}
