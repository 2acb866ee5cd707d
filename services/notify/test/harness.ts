/**
 * Starts notify in-process against a fresh database, the real Kafka (random namespace) and the in-process
 * sandbox (SMTP + Twilio-style API), and observes its outcome events.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, loadTenants } from '@autoverify/config';
import {
  deadLetterTopic,
  type EventOf,
  NotificationFailed,
  NotificationRequested,
  type NotificationSent,
  type PayloadOf,
  type TenantsFile,
  topics,
} from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import { createLogger } from '@autoverify/logger';
import {
  buildEvent,
  createKafka,
  ensureTopics,
  type KafkaClient,
  prismaTransactions,
  publishEvent,
  type Sql,
  type Subscription,
} from '@autoverify/messaging';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import {
  migrateTestDatabase,
  type TestDatabase,
  type TestKafka,
  testKafka,
  waitFor,
} from '@autoverify/testing';
import { NotifyEnv } from '../src/config.ts';
import { PrismaClient } from '../src/db.ts';
import { type RunningNotify, startNotify } from '../src/service.ts';

export const TENANT = 'acme';
export const PROPERTY = '100001';
export const SMS_FROM = '+13035550100';
export const UNSUBSCRIBE_SECRET = 'integration-test-unsubscribe-secret';

export const tenantsFile: TenantsFile = {
  tenants: [
    {
      id: TENANT,
      name: 'Acme Property Management',
      entrata: {
        baseUrl: 'http://127.0.0.1:4000/ext/orgs/acme/v1',
        auth: { type: 'apikey', apiKey: { env: 'ACME_ENTRATA_API_KEY' } },
        propertyIds: [PROPERTY],
        requestsPerMinute: 60,
      },
      webhook: { auth: 'hmac', secrets: [{ env: 'ACME_WEBHOOK_SECRET' }], toleranceSeconds: 300 },
      reconciliation: { intervalMinutes: 5, lookbackDays: 3 },
      defaults: {
        identityVerification: true,
        channels: { email: true, sms: true },
        reminders: { firstAfterHours: 24, intervalHours: 48, maxCount: 3 },
        inviteExpiryDays: 14,
        timeZone: 'America/Denver',
        state: 'CO',
        entrataFileTypes: { income: '1201', identity: '1202' },
        sender: {
          brandName: 'Acme Living',
          emailFrom: 'leasing@acme.example.com',
          emailFromName: 'Acme Leasing',
          smsFrom: SMS_FROM,
          replyTo: 'help@acme.example.com',
        },
      },
      properties: { [PROPERTY]: { name: 'Aspen Ridge Apartments' } },
    },
  ],
};

type Outcome = EventOf<typeof NotificationSent> | EventOf<typeof NotificationFailed>;

export interface Harness {
  sandbox: Sandbox;
  notify: RunningNotify;
  notifyUrl: string;
  /** SQL on notify's database, for checking its rows. */
  db: Sql;
  outcomes: Outcome[];
  request(
    payload: Partial<PayloadOf<typeof NotificationRequested>>,
    eventId?: string,
  ): Promise<EventOf<typeof NotificationRequested>>;
  outcomesFor(notificationId: string): Outcome[];
  waitForOutcome(notificationId: string, type: Outcome['type'], timeoutMs?: number): Promise<Outcome>;
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

export async function startHarness(): Promise<Harness> {
  const logger = createLogger({ service: 'notify-test', level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const stops: [string, () => Promise<void> | void][] = [];
  const stop = async () => {
    for (const [name, fn] of stops.reverse()) {
      try {
        await fn();
      } catch (error) {
        logger.error({ err: error, part: name }, 'stop failed');
      }
    }
  };
  try {
    const database: TestDatabase = await migrateTestDatabase(fileURLToPath(new URL('..', import.meta.url)));
    stops.push(['test database', () => database.drop()]);
    const kafkaEnv: TestKafka = await testKafka({ prefix: 'notify' });
    stops.push(['kafka namespace', () => kafkaEnv.cleanup()]);
    const kafka: KafkaClient = createKafka({
      brokers: kafkaEnv.brokers,
      clientId: 'notify-test',
      namespace: kafkaEnv.namespace,
      logger,
    });
    stops.push(['test kafka client', () => kafka.disconnect()]);
    await ensureTopics(kafka, [
      topics.notificationRequests,
      topics.notificationOutcomes,
      deadLetterTopic('notify'),
    ]);

    const notifyPort = await freePort();
    const notifyUrl = `http://127.0.0.1:${notifyPort}`;
    const sandbox = await startSandbox({
      httpPort: 0,
      smtpPort: 0,
      notifyBaseUrl: notifyUrl,
      smsStatusDelayMs: 50,
      logLevel: 'warn',
      webhookRetry: { attempts: 3, initialDelayMs: 200 },
    });
    stops.push(['sandbox', () => sandbox.stop()]);

    const dir = mkdtempSync(join(tmpdir(), 'notify-test-'));
    stops.push(['tenants file', () => rmSync(dir, { recursive: true, force: true })]);
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify(tenantsFile));
    const tenants = loadTenants(file, { ACME_ENTRATA_API_KEY: 'key', ACME_WEBHOOK_SECRET: 'secret' });
    const env = loadEnv(NotifyEnv, {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: kafkaEnv.brokers.join(','),
      KAFKA_NAMESPACE: kafkaEnv.namespace,
      TENANTS_FILE: file,
      PORT: String(notifyPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SMTP_URL: `smtp://127.0.0.1:${sandbox.smtpPort}`,
      TWILIO_BASE_URL: sandbox.url,
      TWILIO_ACCOUNT_SID: sandbox.options.twilio.accountSid,
      TWILIO_AUTH_TOKEN: sandbox.options.twilio.authToken,
      NOTIFY_PUBLIC_URL: notifyUrl,
      UNSUBSCRIBE_SECRET,
    });

    const prisma = new PrismaClient({ adapter: createPrismaAdapter(database.url) });
    stops.push(['test prisma', () => prisma.$disconnect()]);

    const outcomes: Outcome[] = [];
    const subscription: Subscription = await kafka.consume({
      groupId: `${kafkaEnv.namespace}.notify-test-observer`,
      topics: [kafka.topicName(topics.notificationOutcomes)],
      fromBeginning: true,
      maxWaitMs: 200,
      onMessage: async (message) => {
        if (message.value) outcomes.push(JSON.parse(message.value.toString('utf8')) as Outcome);
      },
    });
    stops.push(['observer', () => subscription.stop()]);

    const notify = await startNotify({
      env,
      tenants,
      logger,
      onStop: (name, fn) => {
        stops.push([name, fn]);
      },
      jobPollingSeconds: 0.5,
    });

    const outcomesFor = (notificationId: string) =>
      outcomes.filter((o) => o.payload.notificationId === notificationId);
    return {
      sandbox,
      notify,
      notifyUrl,
      db: prismaTransactions(prisma).sql(),
      outcomes,
      outcomesFor,
      async request(overrides, eventId) {
        const notificationId = overrides.notificationId ?? uniqueId('n');
        const event = buildEvent(
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
        await publishEvent(kafka, event);
        return event;
      },
      waitForOutcome: (notificationId, type, timeoutMs = 20_000) =>
        waitFor(() => outcomesFor(notificationId).find((o) => o.type === type), {
          timeoutMs,
          message: `${type} for ${notificationId}`,
        }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { NotificationFailed };
