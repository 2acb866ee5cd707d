import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { createKafka, ensureTopics } from '@autoverify/messaging';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import {
  migrateTestDatabase,
  readTopic,
  type TestDatabase,
  type TestKafka,
  testKafka,
} from '@autoverify/testing';
import { startIngest } from '../src/service.ts';

export const ORG = 'acme-pm';
export const TENANT = 'acme';
export const PROPERTY = 100200;
export const WEBHOOK_SECRET = 'acme-webhook-secret';
export const PLATFORM_SECRET = 'platform-webhook-secret-0123456789';
const API_KEY = 'acme-entrata-key';

const serviceDir = new URL('..', import.meta.url).pathname;

/** ingest in-process against a fresh database, the real broker (random namespace) and the sandbox. */
export async function startHarness() {
  const stops: { name: string; stop: () => Promise<void> | void }[] = [];
  const logger = createLogger({ service: 'ingest-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const db: TestDatabase = await migrateTestDatabase(serviceDir);
  const kafka: TestKafka = await testKafka({ prefix: 'ingest' });
  const admin = createKafka({
    brokers: kafka.brokers,
    clientId: 'ingest-test',
    namespace: kafka.namespace,
    logger,
  });
  await ensureTopics(admin);
  const sandbox: Sandbox = await startSandbox({
    httpPort: 0,
    smtpPort: 0,
    logLevel: 'silent',
    webhookRetry: { attempts: 3, initialDelayMs: 50, timeoutMs: 3000 },
  });

  const org = {
    tenantId: TENANT,
    apiKey: API_KEY,
    webhook: { mode: 'hmac', secret: WEBHOOK_SECRET },
    properties: [
      {
        propertyId: PROPERTY,
        name: 'Elm Court',
        address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
      },
    ],
  };
  // The org exists before ingest starts, so the first reconciliation poll (at start-up) succeeds.
  await control(sandbox, 'PUT', `/entrata/orgs/${ORG}`, org);

  const dir = mkdtempSync(join(tmpdir(), 'ingest-test-'));
  const tenantsFile = join(dir, 'tenants.json');
  writeFileSync(
    tenantsFile,
    JSON.stringify({
      tenants: [
        {
          id: TENANT,
          name: 'Acme PM',
          entrata: {
            baseUrl: `${sandbox.url}/ext/orgs/${ORG}/v1`,
            auth: { type: 'apikey', apiKey: { env: 'ACME_ENTRATA_KEY' } },
            propertyIds: [String(PROPERTY)],
            requestsPerMinute: 600,
          },
          webhook: {
            auth: 'hmac',
            secrets: [{ env: 'ACME_WEBHOOK_OLD' }, { env: 'ACME_WEBHOOK_NEW' }],
            toleranceSeconds: 300,
          },
          // Long: the tests trigger the poll themselves (reconciliation_state.next_run_at).
          reconciliation: { intervalMinutes: 1440, lookbackDays: 2 },
          defaults: {
            identityVerification: true,
            channels: { email: true, sms: true },
            reminders: { firstAfterHours: 24, intervalHours: 24, maxCount: 3 },
            inviteExpiryDays: 14,
            timeZone: 'America/Denver',
            state: 'CO',
            entrataFileTypes: { income: '7001', identity: '7002' },
            sender: {
              brandName: 'Acme',
              emailFrom: 'leasing@acme.example.com',
              emailFromName: 'Acme Leasing',
              smsFrom: '+13035550199',
            },
          },
          properties: {},
        },
      ],
    }),
  );
  const tenants = loadTenants(tenantsFile, {
    ACME_ENTRATA_KEY: API_KEY,
    ACME_WEBHOOK_OLD: 'retired-soon',
    ACME_WEBHOOK_NEW: WEBHOOK_SECRET,
  });

  const ingest = await startIngest({
    env: {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers,
      KAFKA_NAMESPACE: kafka.namespace,
      PORT: 0,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      TENANTS_FILE: tenantsFile,
      PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
      RECONCILIATION_TICK_MS: 200,
    },
    tenants,
    logger,
    onStop: (name, stop) => stops.push({ name, stop }),
    jobPollingSeconds: 0.5,
  });
  const url = ingest.url as string;

  // Now that ingest listens, the sandbox can deliver its webhooks there.
  await control(sandbox, 'PUT', `/entrata/orgs/${ORG}`, { ...org, ingestBaseUrl: url });

  return {
    url,
    db,
    kafka,
    sandbox,
    prisma: ingest.prisma,
    admin,
    /** Every event of `type` on a topic, for one application (by correlation id). */
    async events(topic: string, type: string, applicationId?: string) {
      const messages = await readTopic(kafka.brokers, `${kafka.namespace}.${topic}`);
      return messages
        .map((m) => m.json as { type: string; correlationId: string; payload: any; tenantId: string })
        .filter(
          (e) => e?.type === type && (applicationId === undefined || e.correlationId === applicationId),
        );
    },
    async stop() {
      for (const { stop } of stops.reverse()) await stop();
      await admin.disconnect();
      await sandbox.stop();
      await kafka.cleanup().catch(() => undefined);
      await db.drop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function control(sandbox: Sandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => undefined)) as any;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export function submitApplication(
  h: Harness,
  webhook: 'deliver' | 'drop' | 'duplicate' | 'none' = 'deliver',
) {
  return control(h.sandbox, 'POST', `/entrata/orgs/${ORG}/applications`, {
    propertyId: PROPERTY,
    webhook,
    applicants: [
      {
        firstName: 'Ann',
        lastName: 'Lee',
        email: ' Ann@Example.COM ',
        phones: { cell: '(303) 555-0100' },
        customerType: 'Primary',
      },
      { firstName: 'Bo', lastName: 'Lee', customerType: 'Guarantor', relationshipName: 'Parent' },
      { firstName: 'Cy', lastName: 'Lee', customerType: 'Occupant', relationshipName: 'Child' },
    ],
  });
}
