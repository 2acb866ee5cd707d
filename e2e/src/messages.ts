/**
 * Reading what an applicant received the way they would: by subject and text. The wording is notify's
 * (services/notify/src/domain/templates): invites ask to "verify your income|identity", reminders say
 * "Reminder:" (email) or "<brand> reminder:" (SMS), and every message carries the platform's
 * `/verify/{verificationId}` link.
 */
import { headlineOf, isReminder, linkIn, type Message } from './sandbox-client.ts';

export type Kind = 'income' | 'identity';

export interface ReadMessage {
  channel: 'email' | 'sms';
  purpose: 'invite' | 'reminder';
  kind: Kind | undefined;
  headline: string;
  link: string | undefined;
  at: string;
}

export function readMessage(message: Message): ReadMessage {
  const headline = headlineOf(message);
  const text = message.channel === 'email' ? `${headline}\n${message.text ?? ''}` : message.body;
  const kind: Kind | undefined = /\bidentity\b/i.test(text)
    ? 'identity'
    : /\bincome\b/i.test(text)
      ? 'income'
      : undefined;
  return {
    channel: message.channel,
    purpose: isReminder(message) ? 'reminder' : 'invite',
    kind,
    headline,
    link: linkIn(message),
    at: message.receivedAt,
  };
}

/** How many messages of each `purpose kind channel`, e.g. `{ 'invite income email': 1 }`. */
export function tally(messages: Message[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of messages.map(readMessage)) {
    const key = `${m.purpose} ${m.kind ?? '?'} ${m.channel}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The verification id in a `/verify/{verificationId}` link. */
export function verificationIdOf(link: string): string {
  const id = /\/verify\/([^/?#\s]+)/.exec(link)?.[1];
  if (!id) throw new Error(`not a verification link: ${link}`);
  return decodeURIComponent(id);
}

/** Tally of the invitations only. */
export const inviteTally = (messages: Message[]): Record<string, number> =>
  tally(messages.filter((m) => readMessage(m).purpose === 'invite'));

/** The reminders among the messages, read. */
export const remindersIn = (messages: Message[]): ReadMessage[] =>
  messages.map(readMessage).filter((m) => m.purpose === 'reminder');

/** One invitation per kind and channel: email always, SMS when the applicant has a cell number. */
export function expectedInvites(
  applicant: { phones?: { cell?: string } },
  kinds: Kind[],
  channels: { sms: boolean } = { sms: true },
): Record<string, number> {
  const expected: Record<string, number> = {};
  for (const kind of kinds) {
    expected[`invite ${kind} email`] = 1;
    if (channels.sms && applicant.phones?.cell) expected[`invite ${kind} sms`] = 1;
  }
  return expected;
}
