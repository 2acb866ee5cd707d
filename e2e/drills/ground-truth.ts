/**
 * Reads what a drill's outcome is counted from: the sandbox (every message received, the documents of
 * the applications that completed) and, when asked, the Kafka topics of the drill's namespace (requests,
 * failures with reasons, cancellations, dead letters).
 */
import {
  consumerNames,
  InviteBlockedV2,
  NotificationFailed,
  NotificationRequested,
  ReminderCancelled,
  ReportSyncFailed,
  VerificationCompleted,
} from '@autoverify/contracts';
import type { Envelope, EventLog } from '../src/events.ts';
import type { EntrataDocument, SandboxClient } from '../src/sandbox-client.ts';
import { inBatches } from './concurrency.ts';
import type { DrillApplication, GroundTruth, Kind } from './outcome.ts';

export async function collectGroundTruth(
  sandbox: SandboxClient,
  events: EventLog,
  apps: DrillApplication[],
  { withKafka }: { withKafka: boolean },
): Promise<GroundTruth> {
  const messages = await sandbox.allMessages();
  const documents = new Map<number, EntrataDocument[]>();
  const completed = apps.filter((a) => a.applicants.some((p) => p.completedAt !== undefined));
  await inBatches(completed, 8, async (app) => {
    documents.set(app.entrataApplicationId, await sandbox.documents(app.entrataApplicationId));
  });
  const truth: GroundTruth = {
    messages,
    documents,
    requested: [],
    failedNotifications: [],
    blockedInvites: [],
    remindersCancelled: [],
    completions: [],
    reportSyncFailures: [],
    deadLetters: [],
  };
  if (!withKafka) return truth;

  const [requests, outcomes, invites, reminders, reportSync, platform] = await Promise.all([
    events.all('notificationRequests'),
    events.all('notificationOutcomes'),
    events.all('invites'),
    events.all('reminders'),
    events.all('reportSync'),
    events.all('platformEvents'),
  ]);
  const of = <P>(envelopes: Envelope[], definition: { type: string; version: number }) =>
    envelopes.filter((e) => e.type === definition.type && e.version === definition.version) as Envelope<P>[];

  type Requested = {
    notificationId: string;
    applicantId: string;
    purpose: 'invite' | 'reminder';
    kind: Kind;
    channel: 'email' | 'sms';
    to: string;
    reminderNumber?: number;
  };
  truth.requested = of<Requested>(requests, NotificationRequested).map((e) => ({
    notificationId: e.payload.notificationId,
    applicantId: e.payload.applicantId,
    purpose: e.payload.purpose,
    kind: e.payload.kind,
    channel: e.payload.channel,
    to: e.payload.to,
    ...(e.payload.reminderNumber === undefined ? {} : { reminderNumber: e.payload.reminderNumber }),
    at: Date.parse(e.occurredAt),
  }));
  truth.failedNotifications = of<{ notificationId: string; reason: string; detail: string }>(
    outcomes,
    NotificationFailed,
  ).map((e) => ({
    notificationId: e.payload.notificationId,
    reason: e.payload.reason,
    detail: e.payload.detail,
  }));
  truth.blockedInvites = of<{ applicantId: string; kind?: Kind; reason: string }>(
    invites,
    InviteBlockedV2,
  ).map((e) => ({
    applicantId: e.payload.applicantId,
    ...(e.payload.kind ? { kind: e.payload.kind } : {}),
    reason: e.payload.reason,
  }));
  truth.remindersCancelled = of<{ applicantId: string; kind: Kind; reason: string }>(
    reminders,
    ReminderCancelled,
  )
    .filter((e) => e.payload.reason === 'completed')
    .map((e) => ({ applicantId: e.payload.applicantId, kind: e.payload.kind, at: Date.parse(e.occurredAt) }));
  truth.completions = of<{ applicantId: string; kind: Kind }>(platform, VerificationCompleted).map((e) => ({
    applicantId: e.payload.applicantId,
    kind: e.payload.kind,
    at: Date.parse(e.occurredAt),
  }));
  truth.reportSyncFailures = of<{ applicationId: string; reportType: string; reason: string }>(
    reportSync,
    ReportSyncFailed,
  ).map((e) => ({
    applicationId: e.payload.applicationId,
    reportType: e.payload.reportType,
    reason: e.payload.reason,
  }));
  for (const consumer of consumerNames)
    for (const dead of await events.deadLetters(consumer))
      truth.deadLetters.push({
        consumer,
        ...(dead.envelope?.correlationId ? { applicationId: dead.envelope.correlationId } : {}),
        error: dead.error,
      });
  return truth;
}
