/**
 * Starts notify in-process against a fresh database, the real Kafka (random namespace) and the in-process
 * sandbox (SMTP + Twilio-style API), and observes its outcome events.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  deadLetterTopic,
  type EventOf,
  NotificationFailed,
  NotificationRequested,
  type NotificationSent,
  type PayloadOf,
  topics,
} from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import type { Logger } from '@autoverify/logger';
import { prismaTransactions, type Sql } from '@autoverify/messaging';
import type { Sandbox } from '@autoverify/sandbox';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest } from '@autoverify/service-testing';
import { testTenant, testTenantsFile, waitFor } from '@autoverify/testing';
import { PrismaClient, type Tx } from '../src/db.ts';
import { notifyService } from '../src/service.ts';

export const TENANT = 'acme';
export const PROPERTY = '100001';
export const SMS_FROM = '+13035550100';
export const UNSUBSCRIBE_SECRET = 'integration-test-unsubscribe-secret';
/** The secret and auth token being rotated out: still accepted (UNSUBSCRIBE_SECRET_PREVIOUS, TWILIO_AUTH_TOKEN_PREVIOUS). */
export const PREVIOUS_UNSUBSCRIBE_SECRET = 'previous-unsubscribe-secret-0123';
export const PREVIOUS_TWILIO_TOKEN = 'previous-twilio-auth-token';

export const tenantsFile = testTenantsFile(
  testTenant(TENANT, {
    name: 'Acme Property Management',
    entrata: { propertyIds: [PROPERTY] },
    defaults: {
      sender: {
        brandName: 'Acme Living',
        emailFrom: 'leasing@acme.example.com',
        emailFromName: 'Acme Leasing',
        smsFrom: SMS_FROM,
        replyTo: 'help@acme.example.com',
      },
    },
    properties: { [PROPERTY]: { name: 'Aspen Ridge Apartments' } },
  }),
);

type Outcome = EventOf<typeof NotificationSent> | EventOf<typeof NotificationFailed>;

export interface Harness {
  /** The generic harness underneath (publish any event, read any topic, the database). */
  base: ServiceUnderTest<RunningService<Tx>>;
  sandbox: Sandbox;
  notify: RunningService<Tx>;
  notifyUrl: string;
  /** SQL on notify's database, for checking its rows. */
  db: Sql;
  outcomes: Outcome[];
  request(
    payload: Partial<PayloadOf<typeof NotificationRequested>>,
    eventId?: string,
  ): Promise<EventOf<typeof NotificationRequested>>;
  outcomesFor(notificationId: string): Outcome[];
  waitForOutcome(notificationId: string, type: Outcome['type']): Promise<Outcome>;
  stop(): Promise<void>;
}

let counter = 0;
export const uniqueId = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface HarnessOptions {
  /** A logger of the test's own (e.g. one capturing every line for a scan); default: warnings only. */
  logger?: Logger;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  // notify's public URL goes into the sandbox (Twilio status callbacks), so its port is chosen first.
  const notifyPort = await freePort();
  const notifyUrl = `http://127.0.0.1:${notifyPort}`;
  const h = await startServiceUnderTest(notifyService, {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: options.logger ? 'info' : 'warn',
    ...(options.logger ? { logger: options.logger } : {}),
    topics: [
      topics.notificationRequests,
      topics.notificationOutcomes,
      topics.erasureRequests,
      topics.erasures,
      deadLetterTopic('notify'),
    ],
    // As in production: every event on Kafka is sealed with the (test) keyring.
    encryptEvents: true,
    sandbox: {
      notifyBaseUrl: notifyUrl,
      smsStatusDelayMs: 50,
      logLevel: 'warn',
      webhookRetry: { attempts: 3, initialDelayMs: 200 },
    },
    tenants: tenantsFile,
    env: ({ sandbox }) => ({
      PORT: String(notifyPort),
      SMTP_URL: `smtp://127.0.0.1:${sandbox.smtpPort}`,
      TWILIO_BASE_URL: sandbox.url,
      TWILIO_ACCOUNT_SID: sandbox.options.twilio.accountSid,
      TWILIO_AUTH_TOKEN: sandbox.options.twilio.authToken,
      NOTIFY_PUBLIC_URL: notifyUrl,
      UNSUBSCRIBE_SECRET,
      UNSUBSCRIBE_SECRET_PREVIOUS: PREVIOUS_UNSUBSCRIBE_SECRET,
      TWILIO_AUTH_TOKEN_PREVIOUS: PREVIOUS_TWILIO_TOKEN,
    }),
  });
  try {
    const prisma = new PrismaClient({ adapter: createPrismaAdapter(h.database.url) });
    h.onStop('test prisma', () => prisma.$disconnect());

    const outcomes: Outcome[] = [];
    const subscription = await h.kafka.consume({
      groupId: `${h.testKafka.namespace}.notify-test-observer`,
      topics: [h.kafka.topicName(topics.notificationOutcomes)],
      fromBeginning: true,
      maxWaitMs: 200,
      onMessage: async (message) => {
        if (message.value) outcomes.push(JSON.parse(message.value.toString('utf8')) as Outcome);
      },
    });
    h.onStop('observer', () => subscription.stop());

    const outcomesFor = (notificationId: string) =>
      outcomes.filter((o) => o.payload.notificationId === notificationId);
    return {
      base: h,
      sandbox: h.sandbox,
      notify: h.service,
      notifyUrl,
      db: prismaTransactions(prisma).sql(),
      outcomes,
      outcomesFor,
      async request(overrides, eventId) {
        const notificationId = overrides.notificationId ?? uniqueId('n');
        return h.publish(
          NotificationRequested,
          {
            notificationId,
            applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
            applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
            propertyId: PROPERTY,
            purpose: 'invite',
            kind: 'income',
            channel: 'email',
            to: `${notificationId}@example.com`,
            recipientName: 'Ada Lovelace',
            link: 'https://verify.example.com/v/ver_1',
            expiresAt: '2026-12-08T15:04:05.000Z',
            ...overrides,
          },
          { tenantId: TENANT, correlationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10' },
          eventId ? { id: eventId } : {},
        );
      },
      waitForOutcome: (notificationId, type) =>
        waitFor(() => outcomesFor(notificationId).find((o) => o.type === type), {
          message: `${type} for ${notificationId}`,
        }),
      stop: h.stop,
    };
  } catch (error) {
    await h.stop();
    throw error;
  }
}

export { NotificationFailed };
