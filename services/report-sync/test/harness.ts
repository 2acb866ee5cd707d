/**
 * Starts report-sync in-process against a fresh database, the real Kafka (random namespace) and the
 * in-process sandbox (Entrata + verification platform), and observes its outcome events.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  applicantIdFor,
  applicationIdFor,
  deadLetterTopic,
  type EventOf,
  ReportCompleted,
  type ReportSynced,
  type ReportSyncFailed,
  topics,
} from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import { prismaTransactions, type Sql } from '@autoverify/messaging';
import type { FaultSpec, Sandbox } from '@autoverify/sandbox';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest } from '@autoverify/service-testing';
import { testTenant, testTenantsFile, waitFor } from '@autoverify/testing';
import { createVerificationClient } from '@autoverify/verification-client';
import { PrismaClient, type Tx } from '../src/db.ts';
import { defineSyncReport } from '../src/jobs.ts';
import { reportSyncService } from '../src/service.ts';

export const TENANT = 'acme';
export const ORG = 'acme';
export const PROPERTY = '100001';
export const ADMIN_TOKEN = 'integration-test-admin-token';
export const FILE_TYPES = { income: '7001', identity: '7002' };
/** Queue retries per job in these tests (base delay 1 s, doubling). */
export const RETRY_LIMIT = 4;
const RETRY_DELAY_SECONDS = 1;
/** The sync job as the service under test defines it from its env (tests enqueue it by hand). */
export const syncReport = defineSyncReport({
  SYNC_RETRY_LIMIT: RETRY_LIMIT,
  SYNC_RETRY_DELAY_SECONDS: RETRY_DELAY_SECONDS,
});

export const tenantsFile = (sandboxUrl: string) =>
  testTenantsFile(
    testTenant(TENANT, {
      name: 'Acme Property Management',
      entrata: { baseUrl: `${sandboxUrl}/ext/orgs/${ORG}/v1`, propertyIds: [PROPERTY] },
      defaults: {
        entrataFileTypes: FILE_TYPES,
        sender: {
          brandName: 'Acme Living',
          emailFrom: 'leasing@acme.example.com',
          emailFromName: 'Acme Leasing',
        },
      },
      properties: { [PROPERTY]: { name: 'Aspen Ridge Apartments' } },
    }),
  );

export type Outcome = EventOf<typeof ReportSynced> | EventOf<typeof ReportSyncFailed>;

export interface TestApplication {
  entrataApplicationId: string;
  applicationId: string;
  customerIds: string[];
  applicantIds: string[];
  /** The platform's applicant group of the application. */
  applicantGroupId: string;
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
  /** The generic harness underneath (publish any event, read any topic, the database). */
  base: ServiceUnderTest<RunningService<Tx>>;
  sandbox: Sandbox;
  service: RunningService<Tx>;
  /** SQL on report-sync's database, for checking and staging its rows. */
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
  ): Promise<Extract<Outcome, { type: T }>>;
  stop(): Promise<void>;
}

/** The sandbox's control API (/sandbox/...): its answers are read loosely by the tests. */
function controlOf(sandbox: Sandbox) {
  // biome-ignore lint/suspicious/noExplicitAny: the sandbox's control API answers are read loosely by the tests.
  return async (method: string, path: string, body?: object): Promise<any> => {
    const res = await fetch(`${sandbox.url}/sandbox${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

type Control = ReturnType<typeof controlOf>;

/** The sandbox's Entrata org for TENANT, with one property. */
const putOrg = (control: Control, documentVisibilityDelayMs: number) =>
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

export async function startHarness(): Promise<Harness> {
  const h = await startServiceUnderTest(reportSyncService, {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'warn',
    topics: [
      topics.platformEvents,
      topics.reportSync,
      topics.erasureRequests,
      topics.erasures,
      deadLetterTopic('report-sync'),
    ],
    // As in production: every event on Kafka is sealed with the (test) keyring.
    encryptEvents: true,
    sandbox: { logLevel: 'warn', webhookRetry: { attempts: 1, initialDelayMs: 10 } },
    tenants: ({ sandbox }) => tenantsFile(sandbox.url),
    secrets: { ACME_ENTRATA_API_KEY: 'key', ACME_WEBHOOK_SECRET: 'secret' },
    env: ({ sandbox }) => ({
      PLATFORM_BASE_URL: sandbox.url,
      PLATFORM_CLIENT_ID: sandbox.options.platform.clientId,
      PLATFORM_SECRET_KEY: sandbox.options.platform.secretKey,
      ADMIN_TOKEN,
      SYNC_RETRY_LIMIT: String(RETRY_LIMIT),
      SYNC_RETRY_DELAY_SECONDS: String(RETRY_DELAY_SECONDS),
    }),
    options: {
      verifyDelaysMs: [0, 1000, 2000],
      entrata: {
        headersTimeoutMs: 1000,
        bodyTimeoutMs: 1000,
        maxAttempts: 2,
        backoff: { baseMs: 20, maxMs: 100 },
      },
    },
    listen: false,
  });
  try {
    const { sandbox, service } = h;
    const control = controlOf(sandbox);
    await putOrg(control, 0);
    const prisma = new PrismaClient({ adapter: createPrismaAdapter(h.database.url) });
    h.onStop('test prisma', () => prisma.$disconnect());
    const platform = createVerificationClient({
      baseUrl: sandbox.url,
      clientId: sandbox.options.platform.clientId,
      secretKey: sandbox.options.platform.secretKey,
      logger: h.logger,
    });
    h.onStop('test platform client', () => platform.close());

    const outcomes: Outcome[] = [];
    const subscription = await h.kafka.consume({
      groupId: `${h.testKafka.namespace}.report-sync-test-observer`,
      topics: [h.kafka.topicName(topics.reportSync)],
      fromBeginning: true,
      maxWaitMs: 200,
      onMessage: async (message) => {
        if (message.value) outcomes.push(JSON.parse(message.value.toString('utf8')) as Outcome);
      },
    });
    h.onStop('observer', () => subscription.stop());
    const db = prismaTransactions(prisma).sql();

    const outcomesFor = (reportId: string) => outcomes.filter((o) => o.payload.reportId === reportId);
    return {
      base: h,
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
              verifications: [{ type: 'income_verification' }, { type: 'identity_verification' }],
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
        // The documented create answer has no applicants: read the group back (the sandbox's assumption).
        const applicant = (await platform.getApplicantGroup(group.id)).applicants?.[0];
        if (!applicant) throw new Error('the platform created no applicant');
        const done = await control('POST', `/platform/applicants/${applicant.id}/complete`, {});
        // Documented: flat webhook bodies.
        const ready = (done.webhooks as { code: string; report_id: string; report_type: string }[]).filter(
          (w) => w.code === 'REPORT_READY',
        );
        const report = (type: string) => {
          const found = ready.find((w) => w.report_type === type)?.report_id;
          if (!found) throw new Error(`no ${type} report among ${JSON.stringify(done.webhooks)}`);
          return found;
        };
        return {
          entrataApplicationId,
          applicationId: applicationIdFor(TENANT, entrataApplicationId),
          customerIds,
          applicantIds: customerIds.map((c) => applicantIdFor(TENANT, entrataApplicationId, c)),
          applicantGroupId: group.id,
          reports: { income: report('income'), identity: report('identity') },
        };
      },
      publishReport(app, type, eventId) {
        return h.publish(
          ReportCompleted,
          {
            applicationId: app.applicationId,
            entrataApplicationId: app.entrataApplicationId,
            propertyId: PROPERTY,
            applicantGroupId: app.applicantGroupId,
            reportId: app.reports[type],
            reportType: type,
            scope: type === 'income' ? 'household' : 'applicant',
            applicantIds: app.applicantIds,
            entrataCustomerIds: app.customerIds,
          },
          { tenantId: TENANT, correlationId: app.applicationId },
          eventId ? { id: eventId } : {},
        );
      },
      async documents(entrataApplicationId) {
        return (await control('GET', `/entrata/orgs/${ORG}/applications/${entrataApplicationId}/documents`))
          .documents;
      },
      fault: (spec) => control('POST', '/faults', spec),
      setDocumentVisibilityDelay: async (ms) => {
        await putOrg(control, ms);
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
      waitForOutcome: <T extends Outcome['type']>(reportId: string, type: T) =>
        waitFor(
          () => outcomesFor(reportId).find((o): o is Extract<Outcome, { type: T }> => o.type === type),
          { message: `${type} for ${reportId}` },
        ),
      stop: h.stop,
    };
  } catch (error) {
    await h.stop();
    throw error;
  }
}
