/**
 * The counting rules of a drill, as plain functions over ground truth: what the applicants received (the
 * sandbox's mailboxes), what Entrata holds (the sandbox's documents) and what the services said on Kafka
 * (requests, failures with reasons, dead letters). The services' own claims are used only to explain a
 * shortfall (a visible failure) or to tell a reminder number apart, never to count a delivery.
 */
import { readMessage } from '../src/messages.ts';
import type { EntrataDocument, Message } from '../src/sandbox-client.ts';

export type Kind = 'income' | 'identity';
export type Channel = 'email' | 'sms';

export interface DrillApplicant {
  customerId: number;
  /** Our applicant id (applicantIdFor), as carried by the events. */
  applicantId: string;
  email?: string;
  cell?: string;
  /** When the platform acknowledged that this applicant completed every kind (epoch ms); unset if not. */
  completedAt?: number;
}

export interface DrillApplication {
  entrataApplicationId: number;
  /** Our application id (applicationIdFor): the correlation id of its events. */
  applicationId: string;
  kinds: Kind[];
  channels: { email: boolean; sms: boolean };
  applicants: DrillApplicant[];
}

export interface RequestedNotification {
  notificationId: string;
  applicantId: string;
  purpose: 'invite' | 'reminder';
  kind: Kind;
  channel: Channel;
  to: string;
  reminderNumber?: number;
  /** Envelope occurredAt (epoch ms). */
  at: number;
}

export interface GroundTruth {
  messages: Message[];
  /** Documents per Entrata application id (only the applications that completed are read). */
  documents: Map<number, EntrataDocument[]>;
  requested: RequestedNotification[];
  /** NotificationFailed: a message given up on, with its reason. */
  failedNotifications: { notificationId: string; reason: string; detail: string }[];
  /** InviteBlocked: an applicant (and kind) that could not be invited, with its reason. */
  blockedInvites: { applicantId: string; kind?: Kind; reason: string }[];
  /** ReminderCancelled with reason 'completed': when the reminder service recorded the completion. */
  remindersCancelled: { applicantId: string; kind: Kind; at: number }[];
  /** VerificationCompleted: when ingest put the platform's completion on Kafka (the first time). */
  completions: { applicantId: string; kind: Kind; at: number }[];
  /** ReportSyncFailed per application id, with reasons. */
  reportSyncFailures: { applicationId: string; reportType: string; reason: string }[];
  /** Dead-lettered messages per consumer, with the application id (correlation id) and the error. */
  deadLetters: { consumer: string; applicationId?: string; error: string }[];
}

export interface DrillRules {
  fileTypes: { income: string; identity: string };
  /** The reminder schedule's maximum count: no (applicant, kind, channel) may get more. */
  maxReminders: number;
  /**
   * When the reminder service never said it recorded a completion (no ReminderCancelled, e.g. nothing was
   * left to cancel), how long after the completion was on Kafka (VerificationCompleted; else after the
   * platform acknowledged it) the service may still not know: a reminder requested later went out wrongly.
   */
  completionLagMs: number;
}

export interface Outcome {
  applications: number;
  expectedInvites: number;
  deliveredInvites: number;
  reminders: number;
  expectedDocuments: number;
  presentDocuments: number;
  lost: number;
  duplicated: number;
  visibleFailures: number;
  /** Reminders requested after the reminder service had recorded the completion: wrong, a failure. */
  remindersAfterCompletion: number;
  /**
   * Reminders delivered after the platform acknowledged a completion but requested before the reminder
   * service learnt of it (the completion event was still on its way, e.g. Kafka was down): reported, since
   * an applicant sees them, but a matter of how fast completions travel, not of the service's decisions.
   */
  remindersBeforeCompletionKnown: number;
  /** Reminders requested before the platform acknowledged the completion and delivered after it: a race. */
  remindersInFlightAtCompletion: number;
  /**
   * Emails received again with a Message-ID already received by the same recipient: notify sends an email
   * again, with the same Message-ID, when it was killed between the provider's acceptance and its own record
   * of it (SMTP has no lookup to ask). A mailbox that de-duplicates on Message-ID shows one, so each counts
   * once; reported, not a failure. A copy with a new Message-ID is a duplicate. One line per copy.
   */
  resentSameMessageId: string[];
  /** One line per problem found (lost, duplicated, late reminder), for the drill's report. */
  problems: string[];
  /** One line per visible failure, with its reason. */
  visible: string[];
}

/** Expected invites: one per applicant × kind × channel the property uses and the applicant has a contact for. */
export function expectedInviteKeys(
  app: DrillApplication,
): { applicant: DrillApplicant; key: string; kind: Kind; channel: Channel; to: string }[] {
  const keys = [];
  for (const applicant of app.applicants)
    for (const kind of app.kinds) {
      if (app.channels.email && applicant.email)
        keys.push({
          applicant,
          kind,
          channel: 'email' as const,
          to: applicant.email,
          key: messageKey(applicant.email, kind, 'email'),
        });
      if (app.channels.sms && applicant.cell)
        keys.push({
          applicant,
          kind,
          channel: 'sms' as const,
          to: applicant.cell,
          key: messageKey(applicant.cell, kind, 'sms'),
        });
    }
  return keys;
}

/** Expected reports of a completed application: the household's income report, one identity report per applicant. */
export function expectedReports(
  app: DrillApplication,
): { label: string; type: 'income' | 'identity'; customerId?: number }[] {
  const reports: { label: string; type: 'income' | 'identity'; customerId?: number }[] = [];
  const done = app.applicants.filter((a) => a.completedAt !== undefined);
  if (app.kinds.includes('income') && done.length === app.applicants.length && done.length > 0)
    reports.push({ label: 'income report', type: 'income' });
  if (app.kinds.includes('identity'))
    for (const a of done)
      reports.push({
        label: `identity report of customer ${a.customerId}`,
        type: 'identity',
        customerId: a.customerId,
      });
  return reports;
}

export const messageKey = (to: string, kind: Kind | undefined, channel: Channel): string =>
  `${to.toLowerCase()}|${kind ?? '?'}|${channel}`;

/** The address or number a message went to (the sandbox keeps envelope recipients for email). */
export function recipientOf(message: Message): string {
  return message.channel === 'email' ? (message.recipients[0] ?? message.to[0] ?? '') : message.to;
}

export function computeOutcome(apps: DrillApplication[], truth: GroundTruth, rules: DrillRules): Outcome {
  const problems: string[] = [];
  const visible: string[] = [];
  const invites = new Map<string, Message[]>();
  const reminders = new Map<string, Message[]>();
  const { messages, resent } = collapseResentEmails(truth.messages);
  for (const message of messages) {
    const read = readMessage(message);
    const key = messageKey(recipientOf(message), read.kind, message.channel);
    const into = read.purpose === 'invite' ? invites : reminders;
    into.set(key, [...(into.get(key) ?? []), message]);
  }
  const requestById = new Map(truth.requested.map((r) => [r.notificationId, r]));
  const failedKeys = new Map<string, string>();
  for (const f of truth.failedNotifications) {
    const request = requestById.get(f.notificationId);
    if (request && request.purpose === 'invite')
      failedKeys.set(messageKey(request.to, request.kind, request.channel), `${f.reason}: ${f.detail}`);
  }
  const deadByApplication = new Map<string, string>();
  for (const d of truth.deadLetters)
    if (d.applicationId)
      deadByApplication.set(d.applicationId, `dead letter in dlq.${d.consumer}: ${d.error}`);
  const blocked = (applicantId: string, kind: Kind) =>
    truth.blockedInvites.find(
      (b) => b.applicantId === applicantId && (b.kind === undefined || b.kind === kind),
    );

  let expectedInvites = 0;
  let deliveredInvites = 0;
  let lost = 0;
  let duplicated = 0;
  let visibleFailures = 0;
  const expectedKeys = new Set<string>();
  for (const app of apps) {
    for (const expected of expectedInviteKeys(app)) {
      expectedInvites++;
      expectedKeys.add(expected.key);
      const got = invites.get(expected.key)?.length ?? 0;
      const what = `application ${app.entrataApplicationId}: ${expected.kind} invite by ${expected.channel}`;
      if (got === 0) {
        const reason =
          failedKeys.get(expected.key) ??
          (() => {
            const b = blocked(expected.applicant.applicantId, expected.kind);
            return b ? `invite blocked: ${b.reason}` : undefined;
          })() ??
          deadByApplication.get(app.applicationId);
        if (reason) {
          visibleFailures++;
          visible.push(`${what} not delivered (${reason})`);
        } else {
          lost++;
          problems.push(`lost: ${what} never arrived and no failure says why`);
        }
      } else {
        deliveredInvites++;
        if (got > 1) {
          duplicated += got - 1;
          problems.push(`duplicated: ${what} arrived ${got} times`);
        }
      }
    }
  }
  for (const [key, messages] of invites)
    if (!expectedKeys.has(key)) {
      duplicated += messages.length;
      problems.push(`unexpected: ${messages.length} invite(s) to ${key} that no application called for`);
    }

  // Reminders: at most one delivery per reminder number requested (and never more than the schedule's count).
  const requestedNumbers = new Map<string, Set<number>>();
  for (const r of truth.requested)
    if (r.purpose === 'reminder') {
      const key = messageKey(r.to, r.kind, r.channel);
      requestedNumbers.set(key, (requestedNumbers.get(key) ?? new Set()).add(r.reminderNumber ?? 0));
    }
  let reminderCount = 0;
  for (const [key, messages] of reminders) {
    reminderCount += messages.length;
    const allowed = Math.min(requestedNumbers.get(key)?.size ?? 0, rules.maxReminders);
    if (messages.length > allowed) {
      duplicated += messages.length - allowed;
      problems.push(
        `duplicated: ${messages.length} reminders to ${key}, ${allowed} reminder number(s) requested`,
      );
    }
  }

  // Reminders after completion: requested after the reminder service knew (or should have known) of it.
  let remindersAfterCompletion = 0;
  let beforeKnown = 0;
  let inFlight = 0;
  for (const app of apps)
    for (const applicant of app.applicants) {
      if (applicant.completedAt === undefined) continue;
      const completedAt = applicant.completedAt;
      for (const kind of app.kinds)
        for (const [to, channel] of [
          [applicant.email, 'email'],
          [applicant.cell, 'sms'],
        ] as const) {
          if (!to) continue;
          const key = messageKey(to, kind, channel);
          const cancelled = truth.remindersCancelled.find(
            (c) => c.applicantId === applicant.applicantId && c.kind === kind,
          );
          const onKafka = truth.completions
            .filter((c) => c.applicantId === applicant.applicantId && c.kind === kind)
            .reduce<number | undefined>(
              (first, c) => (first === undefined || c.at < first ? c.at : first),
              undefined,
            );
          const knownBy = cancelled ? cancelled.at : (onKafka ?? completedAt) + rules.completionLagMs;
          for (const message of reminders.get(key) ?? []) {
            const deliveredAt = Date.parse(message.receivedAt);
            if (deliveredAt <= completedAt) continue;
            const requestedAt = latestRequestBefore(truth.requested, key, deliveredAt)?.at ?? deliveredAt;
            if (requestedAt <= completedAt) inFlight++;
            else if (requestedAt > knownBy) {
              remindersAfterCompletion++;
              problems.push(
                `reminder after completion: ${key} requested ${Math.round((requestedAt - completedAt) / 1000)} s after the platform acknowledged the completion, ${Math.round((requestedAt - knownBy) / 1000)} s after the reminder service ${cancelled ? 'recorded it' : 'should have known'} (application ${app.entrataApplicationId})`,
              );
            } else beforeKnown++;
          }
        }
    }

  // Documents: exactly one per report of a completed application.
  let expectedDocuments = 0;
  let presentDocuments = 0;
  for (const app of apps) {
    const reports = expectedReports(app);
    if (reports.length === 0) continue;
    const documents = truth.documents.get(app.entrataApplicationId) ?? [];
    const matched = new Set<EntrataDocument>();
    for (const report of reports) {
      expectedDocuments++;
      const found = documents.filter((d) =>
        report.type === 'income'
          ? d.fileTypeId === rules.fileTypes.income
          : d.fileTypeId === rules.fileTypes.identity && d.customerIds.includes(report.customerId as number),
      );
      for (const d of found) matched.add(d);
      const what = `application ${app.entrataApplicationId}: ${report.label}`;
      if (found.length === 0) {
        const failure = truth.reportSyncFailures.find(
          (f) => f.applicationId === app.applicationId && f.reportType === report.type,
        );
        const reason = failure
          ? `report sync failed: ${failure.reason}`
          : deadByApplication.get(app.applicationId);
        if (reason) {
          visibleFailures++;
          visible.push(`${what} not in Entrata (${reason})`);
        } else {
          lost++;
          problems.push(`lost: ${what} is not in Entrata and no failure says why`);
        }
      } else {
        presentDocuments++;
        if (found.length > 1) {
          duplicated += found.length - 1;
          problems.push(`duplicated: ${what} is in Entrata ${found.length} times`);
        }
      }
    }
    const extra = documents.filter((d) => !matched.has(d));
    if (extra.length > 0) {
      duplicated += extra.length;
      problems.push(
        `unexpected: application ${app.entrataApplicationId} has ${extra.length} document(s) no report called for`,
      );
    }
  }

  return {
    applications: apps.length,
    expectedInvites,
    deliveredInvites,
    reminders: reminderCount,
    expectedDocuments,
    presentDocuments,
    lost,
    duplicated,
    visibleFailures,
    remindersAfterCompletion,
    remindersBeforeCompletionKnown: beforeKnown,
    remindersInFlightAtCompletion: inFlight,
    resentSameMessageId: resent,
    problems,
    visible,
  };
}

/** One message per (recipient, Message-ID) for email, with a line for each copy left out (see resentSameMessageId). */
function collapseResentEmails(all: Message[]): { messages: Message[]; resent: string[] } {
  const seen = new Set<string>();
  const messages: Message[] = [];
  const resent: string[] = [];
  for (const message of all) {
    if (message.channel === 'email' && message.messageId) {
      const key = `${recipientOf(message)}|${message.messageId}`;
      if (seen.has(key)) {
        resent.push(
          `email to ${recipientOf(message)} sent again with the same Message-ID ${message.messageId} (interrupted send): counted once`,
        );
        continue;
      }
      seen.add(key);
    }
    messages.push(message);
  }
  return { messages, resent };
}

/** Whether every expected invite and document is there or visibly failed: the system has caught up. */
export function caughtUp(outcome: Outcome): boolean {
  return outcome.lost === 0;
}

function latestRequestBefore(
  requested: RequestedNotification[],
  key: string,
  at: number,
): RequestedNotification | undefined {
  let latest: RequestedNotification | undefined;
  for (const r of requested)
    if (
      r.purpose === 'reminder' &&
      messageKey(r.to, r.kind, r.channel) === key &&
      r.at <= at &&
      (!latest || r.at > latest.at)
    )
      latest = r;
  return latest;
}
