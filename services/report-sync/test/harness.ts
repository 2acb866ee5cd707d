/**
 * Starts report-sync in-process against a fresh database, the real Kafka (random namespace) and the
 * in-process sandbox (Entrata + verification platform), and observes its outcome events.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, loadTenants } from '@autoverify/config';
import {
  applicantIdFor,
  applicationIdFor,
  deadLetterTopic,
  type EventOf,
  ReportCompleted,
  type ReportSynced,
  type ReportSyncFailed,
  type TenantsFile,
  topics,
} from '@autoverify/contracts';
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
import { type FaultSpec, type Sandbox, startSandbox } from '@autoverify/sandbox';
import { migrateTestDatabase, type TestDatabase, testKafka, waitFor } from '@autoverify/testing';
import { createVerificationClient } from '@autoverify/verification-client';
import { ReportSyncEnv } from '../src/config.ts';
import { type RunningReportSync, startReportSync } from '../src/service.ts';

export const TENANT = 'acme';
export const ORG = 'acme';
export const PROPERTY = '100001';
export const ADMIN_TOKEN = 'integration-test-admin-token';
export const FILE_TYPES = { income: '7001', identity: '7002' };
/** Queue retries per job in these tests (base delay 1 s, doubling). */
export const RETRY_LIMIT = 4;

export function tenantsFile(sandboxUrl: string): TenantsFile {
  return {
    tenants: [
      {
        id: TENANT,
        name: 'Acme Property Management',
        entrata: {
          baseUrl: `${sandboxUrl}/ext/orgs/${ORG}/v1`,
          auth: { type: 'apikey', apiKey: { env: 'ACME_ENTRATA_API_KEY' } },
          propertyIds: [PROPERTY],
          requestsPerMinute: 600,
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
          entrataFileTypes: FILE_TYPES,
          sender: {
            brandName: 'Acme Living',
            emailFrom: 'leasing@acme.example.com',
            emailFromName: 'Acme Leasing',
            smsFrom: '+13035550100',
          },
        },
        properties: { [PROPERTY]: { name: 'Aspen Ridge Apartments' } },
      },
    ],
  };
}

export type Outcome = EventOf<typeof ReportSynced> | EventOf<typeof ReportSyncFailed>;

export interface TestApplication {
  entrataApplicationId: string;
  applicationId: string;
  customerIds: string[];
  applicantIds: string[];
  /** Report ids by type, as the platform made them. */
  reports: { income: string; identity: string };
}

export interface SandboxDocument {
  fileId: number;
  fileName: string;
  fileTypeId: string;
  customerIds: number[];
}

export interface Harness {
  sandbox: Sandbox;
  service: RunningReportSync;
  db: Sql;
  outcomes: Outcome[];
  /** An Entrata application with one applicant whose income and identity verifications are complete. */
  newApplication(lastName: string): Promise<TestApplication>;
  publishReport(
    app: TestApplication,
    type: 'income' | 'identity',
    eventId?: string,
  ): Promise<EventOf<typeof ReportCompleted>>;
  documents(entrataApplicationId: string): Promise<SandboxDocument[]>;
  fault(spec: FaultSpec): Promise<void>;
  /** How long the sandbox's Entrata hides a new document from getLeaseDocumentsList. */
  setDocumentVisibilityDelay(ms: number): Promise<void>;
  clearFaults(): Promise<void>;
  admin(
    method: 'GET' | 'POST',
    url: string,
    body?: object,
    token?: string,
    // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert on them.
  ): Promise<{ status: number; body: any }>;
  outcomesFor(reportId: string): Outcome[];
  waitForOutcome<T extends Outcome['type']>(
    reportId: string,
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<Outcome, { type: T }>>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const logger = createLogger({ service: 'report-sync-test', level: process.env.TEST_LOG_LEVEL ?? 'warn' });
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
    const kafkaEnv = await testKafka({ prefix: 'report-sync' });
    stops.push(['kafka namespace', () => kafkaEnv.cleanup()]);
    const kafka: KafkaClient = createKafka({
      brokers: kafkaEnv.brokers,
      clientId: 'report-sync-test',
      namespace: kafkaEnv.namespace,
      logger,
    });
    stops.push(['test kafka client', () => kafka.disconnect()]);
    await ensureTopics(kafka, [topics.platformEvents, topics.reportSync, deadLetterTopic('report-sync')]);

    const sandbox = await startSandbox({
      httpPort: 0,
      smtpPort: 0,
      logLevel: 'warn',
      webhookRetry: { attempts: 1, initialDelayMs: 10 },
    });
    stops.push(['sandbox', () => sandbox.stop()]);
    // biome-ignore lint/suspicious/noExplicitAny: the sandbox's control API answers are read loosely by the tests.
    const control = async (method: string, path: string, body?: object): Promise<any> => {
      const res = await fetch(`${sandbox.url}/sandbox${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const putOrg = (documentVisibilityDelayMs: number) =>
      control('PUT', `/entrata/orgs/${ORG}`, {
        tenantId: TENANT,
        apiKey: 'key',
        webhook: { mode: 'hmac', secret: 'secret', enabled: false },
        documentVisibilityDelayMs,
        properties: [
          {
            propertyId: Number(PROPERTY),
            name: 'Aspen Ridge',
            address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
          },
        ],
      });
    await putOrg(0);

    const dir = mkdtempSync(join(tmpdir(), 'report-sync-test-'));
    stops.push(['tenants file', () => rmSync(dir, { recursive: true, force: true })]);
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify(tenantsFile(sandbox.url)));
    const tenants = loadTenants(file, { ACME_ENTRATA_API_KEY: 'key', ACME_WEBHOOK_SECRET: 'secret' });
    const env = loadEnv(ReportSyncEnv, {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: kafkaEnv.brokers.join(','),
      KAFKA_NAMESPACE: kafkaEnv.namespace,
      TENANTS_FILE: file,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PLATFORM_BASE_URL: sandbox.url,
      PLATFORM_CLIENT_ID: sandbox.options.platform.clientId,
      PLATFORM_SECRET_KEY: sandbox.options.platform.secretKey,
      ADMIN_TOKEN,
      SYNC_RETRY_LIMIT: String(RETRY_LIMIT),
      SYNC_RETRY_DELAY_SECONDS: '1',
    });

    const platform = createVerificationClient({
      baseUrl: sandbox.url,
      clientId: sandbox.options.platform.clientId,
      secretKey: sandbox.options.platform.secretKey,
      logger,
    });
    stops.push(['test platform client', () => platform.close()]);

    const outcomes: Outcome[] = [];
    const subscription: Subscription = await kafka.consume({
      groupId: `${kafkaEnv.namespace}.report-sync-test-observer`,
      topics: [kafka.topicName(topics.reportSync)],
      fromBeginning: true,
      maxWaitMs: 200,
      onMessage: async (message) => {
        if (message.value) outcomes.push(JSON.parse(message.value.toString('utf8')) as Outcome);
      },
    });
    stops.push(['observer', () => subscription.stop()]);

    const service = await startReportSync({
      env,
      tenants,
      logger,
      onStop: (name, fn) => {
        stops.push([name, fn]);
      },
      listen: false,
      jobPollingSeconds: 0.5,
      verifyDelaysMs: [0, 1000, 2000],
      entrata: {
        headersTimeoutMs: 1000,
        bodyTimeoutMs: 1000,
        maxAttempts: 2,
        backoff: { baseMs: 20, maxMs: 100 },
      },
    });
    const db = prismaTransactions(service.prisma).sql();

    const outcomesFor = (reportId: string) => outcomes.filter((o) => o.payload.reportId === reportId);
    return {
      sandbox,
      service,
      db,
      outcomes,
      async newApplication(lastName) {
        const email = `${randomUUID()}@example.com`;
        const submitted = await control('POST', `/entrata/orgs/${ORG}/applications`, {
          propertyId: Number(PROPERTY),
          applicants: [{ firstName: 'Ada', lastName, email, customerType: 'Primary' }],
          webhook: 'none',
        });
        const entrataApplicationId = String(submitted.applicationId);
        const customerIds = (submitted.customers as { customerId: number }[]).map((c) =>
          String(c.customerId),
        );
        const group = await platform.createApplicantGroup({
          applicants: [
            {
              first_name: 'Ada',
              last_name: lastName,
              email,
              verifications: [{ type: 'income' }, { type: 'identity' }],
            },
          ],
          property: {
            name: 'Aspen Ridge',
            street_address: '1 Elm St',
            city: 'Denver',
            state: 'CO',
            zip_code: '80202',
          },
          decision_maker_display_name: 'Acme Leasing',
          monthly_rent: 150_000,
          webhook_url: 'http://127.0.0.1:9/unused',
          is_invitation_disabled: true,
          correlation_id: randomUUID(),
        });
        const applicant = group.applicants[0];
        if (!applicant) throw new Error('the platform created no applicant');
        const done = await control('POST', `/platform/applicants/${applicant.id}/complete`, {});
        const ready = (
          done.webhooks as { code: string; data: { report_id: string; report_type: string } }[]
        ).filter((w) => w.code === 'REPORT_READY');
        const report = (type: string) => {
          const found = ready.find((w) => w.data.report_type === type)?.data.report_id;
          if (!found) throw new Error(`no ${type} report among ${JSON.stringify(done.webhooks)}`);
          return found;
        };
        return {
          entrataApplicationId,
          applicationId: applicationIdFor(TENANT, entrataApplicationId),
          customerIds,
          applicantIds: customerIds.map((c) => applicantIdFor(TENANT, entrataApplicationId, c)),
          reports: { income: report('income'), identity: report('identity') },
        };
      },
      async publishReport(app, type, eventId) {
        const event = buildEvent(
          ReportCompleted,
          {
            applicationId: app.applicationId,
            entrataApplicationId: app.entrataApplicationId,
            propertyId: PROPERTY,
            applicantGroupId: 'grp',
            reportId: app.reports[type],
            reportType: type,
            scope: type === 'income' ? 'household' : 'applicant',
            applicantIds: app.applicantIds,
            entrataCustomerIds: app.customerIds,
          },
          { tenantId: TENANT, correlationId: app.applicationId },
          eventId ? { id: eventId } : {},
        );
        await publishEvent(kafka, event);
        return event;
      },
      async documents(entrataApplicationId) {
        return (await control('GET', `/entrata/orgs/${ORG}/applications/${entrataApplicationId}/documents`))
          .documents;
      },
      fault: (spec) => control('POST', '/faults', spec),
      setDocumentVisibilityDelay: async (ms) => {
        await putOrg(ms);
      },
      clearFaults: () => control('DELETE', '/faults'),
      async admin(method, url, body, token = ADMIN_TOKEN) {
        const res = await service.app.inject({
          method,
          url,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { payload: JSON.stringify(body) } : {}),
        });
        return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
      },
      outcomesFor,
      waitForOutcome: <T extends Outcome['type']>(reportId: string, type: T, timeoutMs = 30_000) =>
        waitFor(
          () => outcomesFor(reportId).find((o): o is Extract<Outcome, { type: T }> => o.type === type),
          {
            timeoutMs,
            message: `${type} for ${reportId}`,
          },
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
