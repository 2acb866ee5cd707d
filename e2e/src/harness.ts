/**
 * What an e2e test needs from the running stack: clients for the sandbox and the Kafka namespace, and the
 * common steps (submit an application, wait for what the applicants receive, complete like an applicant).
 */
import { applicationIdFor } from '@autoverify/contracts';
import { type WaitForOptions, waitFor } from '@autoverify/testing';
import { inject } from 'vitest';
import type { E2eContext } from './context.ts';
import { EventLog } from './events.ts';
import { inviteTally, readMessage, verificationIdOf } from './messages.ts';
import {
  type ApplicantInput,
  type Message,
  SandboxClient,
  type SubmittedApplication,
  type WebhookMode,
} from './sandbox-client.ts';

export interface E2e extends E2eContext {
  sandbox: SandboxClient;
  events: EventLog;
}

export function e2e(): E2e {
  const context = inject('e2e');
  return {
    ...context,
    sandbox: new SandboxClient(context.urls.sandbox, context.org),
    events: new EventLog(context.brokers, context.namespace),
  };
}

/** waitFor with e2e defaults (30 s, polling every 250 ms); a timeout names the service log to read. */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  try {
    return await waitFor(fn, { timeoutMs: 30_000, intervalMs: 250, ...options });
  } catch (error) {
    const logFile = inject('e2e').logFile;
    throw new Error(`${(error as Error).message}\n  service output: ${logFile}`, { cause: error });
  }
}

export interface Submitted {
  entrata: SubmittedApplication;
  /** Our application id (the correlation id of every event). */
  applicationId: string;
  applicants: ApplicantInput[];
}

export async function submit(
  t: E2e,
  propertyId: number,
  applicants: ApplicantInput[],
  webhook: WebhookMode = 'deliver',
): Promise<Submitted> {
  const entrata = await t.sandbox.submitApplication({ propertyId, applicants, webhook });
  return { entrata, applicationId: applicationIdFor(t.tenantId, String(entrata.applicationId)), applicants };
}

/** The emails and texts an applicant received (by email address and by cell number). */
export async function inbox(t: E2e, applicant: ApplicantInput): Promise<Message[]> {
  const [emails, texts] = await Promise.all([
    applicant.email ? t.sandbox.messages(applicant.email, 'email') : [],
    applicant.phones?.cell ? t.sandbox.messages(applicant.phones.cell, 'sms') : [],
  ]);
  return [...emails, ...texts];
}

/** Waits until the applicant's inbox satisfies `done`, and returns it. */
export function inboxWhen(
  t: E2e,
  applicant: ApplicantInput,
  done: (messages: Message[]) => boolean,
  options: WaitForOptions = {},
): Promise<Message[]> {
  return eventually(
    async () => {
      const messages = await inbox(t, applicant);
      return done(messages) ? messages : undefined;
    },
    { message: `messages to ${applicant.firstName} ${applicant.lastName}`, ...options },
  );
}

/** The applicant opens each distinct verification link they were sent and completes it. */
export async function completeFromInbox(
  t: E2e,
  applicant: ApplicantInput,
  options: { duplicateWebhooks?: boolean } = {},
): Promise<string[]> {
  const links = new Set(
    (await inbox(t, applicant)).map((m) => readMessage(m).link).filter((l) => l !== undefined),
  );
  const ids = [...new Set([...links].map(verificationIdOf))];
  for (const id of ids)
    await t.sandbox.completeVerification(id, { duplicate: options.duplicateWebhooks ?? false });
  return ids;
}

/** Waits until the Entrata application has at least `count` documents, and returns them. */
export function documentsWhen(
  t: E2e,
  entrataApplicationId: number,
  count: number,
  options: WaitForOptions = {},
) {
  return eventually(
    async () => {
      const documents = await t.sandbox.documents(entrataApplicationId);
      return documents.length >= count ? documents : undefined;
    },
    {
      timeoutMs: 60_000,
      message: `${count} document(s) in Entrata application ${entrataApplicationId}`,
      ...options,
    },
  );
}

/** Waits until the applicant has received at least these invitations (see expectedInvites). */
export function invitesWhen(
  t: E2e,
  applicant: ApplicantInput,
  expected: Record<string, number>,
): Promise<Message[]> {
  return inboxWhen(t, applicant, (messages) => {
    const got = inviteTally(messages);
    return Object.entries(expected).every(([key, n]) => (got[key] ?? 0) >= n);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One row of the support console's application timeline (tools/support), personal data masked. */
export interface TimelineRow {
  type: string;
  version: number;
  service: string;
  outcome: 'ok' | 'failed';
  summary: string;
  payload: Record<string, unknown>;
}

/** What support sees for an application: GET /admin/applications/{id}/timeline on the support console. */
export async function supportTimeline(t: E2e, applicationId: string): Promise<TimelineRow[]> {
  const response = await fetch(`${t.support.url}/admin/applications/${applicationId}/timeline`, {
    headers: { authorization: `Bearer ${t.support.token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`support timeline: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { events: TimelineRow[] }).events;
}
