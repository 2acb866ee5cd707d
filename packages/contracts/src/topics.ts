import type { EventDefinition } from './envelope.ts';
import {
  ApplicationReadFailed,
  ApplicationReadFailedV2,
  ApplicationSubmitted,
  ApplicationSubmittedV2,
  ApplicationSubmittedV3,
} from './events/applications.ts';
import { NotificationFailed, NotificationRequested, NotificationSent } from './events/notifications.ts';
import { ApplicantErased, ApplicantErasureRequested } from './events/privacy.ts';
import { ReminderCancelled, ReminderScheduled } from './events/reminders.ts';
import { ReportSynced, ReportSyncFailed } from './events/report-sync.ts';
import {
  InviteBlocked,
  InviteBlockedV2,
  InviteExpired,
  InviteSent,
  PlatformWebhookUnmapped,
  ReportCompleted,
  VerificationCompleted,
  VerificationRequested,
} from './events/verifications.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TopicDefinition {
  /** Logical name; the broker name is namespaced (see topicName). */
  readonly name: string;
  readonly description: string;
  readonly partitions: number;
  readonly retentionMs: number;
  /** Which services publish to it. */
  readonly producers: readonly ServiceName[];
  readonly events: readonly EventDefinition[];
}

export const serviceNames = ['ingest', 'invite', 'reminder', 'notify', 'report-sync'] as const;
export type ServiceName = (typeof serviceNames)[number];

// Every topic is keyed by our application id so one application's events stay in order.
export const topics = {
  applications: {
    name: 'applications',
    description:
      'Submitted applications with their applicants, read from Entrata, or why one could not be read.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['ingest'],
    events: [
      ApplicationSubmitted,
      ApplicationSubmittedV2,
      ApplicationSubmittedV3,
      ApplicationReadFailed,
      ApplicationReadFailedV2,
    ],
  },
  platformEvents: {
    name: 'verification-platform-events',
    description:
      'What the verification platform reported: completions, ready reports, and webhooks that could not be mapped.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['ingest'],
    events: [VerificationCompleted, ReportCompleted, PlatformWebhookUnmapped],
  },
  invites: {
    name: 'invites',
    description: 'Verification requests and invitations per applicant and kind.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['invite'],
    events: [VerificationRequested, InviteSent, InviteBlocked, InviteBlockedV2, InviteExpired],
  },
  reminders: {
    name: 'reminders',
    description: 'Reminder scheduling and cancellation.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['reminder'],
    events: [ReminderScheduled, ReminderCancelled],
  },
  notificationRequests: {
    name: 'notification-requests',
    description: 'Messages to send (invites and reminders), one per channel.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['invite', 'reminder'],
    events: [NotificationRequested],
  },
  notificationOutcomes: {
    name: 'notification-outcomes',
    description: 'What happened to each message.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['notify'],
    events: [NotificationSent, NotificationFailed],
  },
  reportSync: {
    name: 'report-sync',
    description: 'Reports put into Entrata, or failing to.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['report-sync'],
    events: [ReportSynced, ReportSyncFailed],
  },
  erasureRequests: {
    name: 'erasure-requests',
    description: "Data-subject requests to erase one applicant's personal data (support publishes them).",
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    // Written by support (the console writes every event topic); no service produces requests.
    producers: [],
    events: [ApplicantErasureRequested],
  },
  erasures: {
    name: 'erasures',
    description: 'Each service confirming what it erased for a request: the audit trail support keeps.',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['ingest', 'invite', 'reminder', 'notify', 'report-sync'],
    events: [ApplicantErased],
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicId = keyof typeof topics;

/** Which topics each service's consumer group reads. */
export const subscriptions: Record<ServiceName, readonly TopicId[]> = {
  ingest: ['invites', 'erasureRequests'],
  invite: ['applications', 'platformEvents', 'erasureRequests'],
  reminder: ['invites', 'platformEvents', 'notificationRequests', 'erasureRequests'],
  notify: ['notificationRequests', 'erasureRequests'],
  'report-sync': ['platformEvents', 'erasureRequests'],
};

/** A consumer's poison messages go to its own dead-letter topic. */
export const deadLetterTopic = (consumer: string): TopicDefinition => ({
  name: `dlq.${consumer}`,
  description: `Messages the ${consumer} consumer could not process, with the error and attempt count in headers.`,
  partitions: 1,
  retentionMs: 90 * DAY_MS,
  producers: [],
  events: [],
});

/** Broker topic name: a namespace keeps several environments (dev, a test run) apart on one broker. */
export const topicName = (topic: Pick<TopicDefinition, 'name'>, namespace = 'autoverify'): string =>
  `${namespace}.${topic.name}`;

/**
 * The support console's consumer (tools/support): it reads every topic into its timeline projection, so it
 * is not one of the five services but has a consumer group and a dead-letter topic of its own.
 */
export const supportConsumer = 'support';
export const supportSubscriptions = Object.keys(topics) as TopicId[];

/** Consumers with a dead-letter topic: the five services and support. */
export const consumerNames = [...serviceNames, supportConsumer] as const;

export const allTopics = (): TopicDefinition[] => [
  ...Object.values(topics),
  ...consumerNames.map((s) => deadLetterTopic(s)),
];

export const allEvents = (): EventDefinition[] =>
  Object.values(topics).flatMap((t): readonly EventDefinition[] => t.events);

export function topicOfEvent(type: string): TopicDefinition {
  const topic = Object.values(topics).find((t) => t.events.some((e) => e.type === type));
  if (!topic) throw new Error(`no topic carries event type ${type}`);
  return topic;
}
