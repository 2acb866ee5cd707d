import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { createKafka, ensureTopics } from '@autoverify/messaging';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import {
  messageJson,
  migrateTestDatabase,
  type TestDatabase,
  type TestKafka,
  testKafka,
} from '@autoverify/testing';
import { startIngest } from '../src/service.ts';

type DestinationStream = NonNullable<Parameters<typeof createLogger>[0]['destination']>;

export const ORG = 'acme-pm';
export const TENANT = 'acme';
export const PROPERTY = 100200;
export const WEBHOOK_SECRET = 'acme-webhook-secret';
export const PLATFORM_SECRET = 'platform-webhook-secret-0123456789';
const API_KEY = 'acme-entrata-key';

/** A second customer whose webhooks use HTTP Basic (two active passwords); its Entrata goes through a proxy. */
export const BETA = {
  tenant: 'beta',
  org: 'beta-pm',
  property: 300100,
  username: 'entrata-beta',
  password: 'beta-password-new',
  oldPassword: 'beta-password-old',
} as const;
/** A third customer with its own HMAC secret, to prove one tenant's secret is useless for another. */
export const GAMMA = { tenant: 'gamma', org: 'gamma-pm', property: 400100, secret: 'gamma-webhook-secret' };
export const ACME_OLD_SECRET = 'retired-soon';
export const ACME_RENT_CENTS = 185_000;

const serviceDir = new URL('..', import.meta.url).pathname;

/** ingest in-process against a fresh database, the real broker (random namespace) and the sandbox. */
export async function startHarness(
  options: { log?: { level: string; destination: DestinationStream } } = {},
) {
  const stops: { name: string; stop: () => Promise<void> | void }[] = [];
  const logger = options.log
    ? createLogger({ service: 'ingest-test', ...options.log })
    : createLogger({ service: 'ingest-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
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
  const property = (propertyId: number) => ({
    propertyId,
    name: `Property ${propertyId}`,
    address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
  });
  const beta = {
    tenantId: BETA.tenant,
    apiKey: 'beta-entrata-key',
    webhook: { mode: 'basic', username: BETA.username, password: BETA.password },
    properties: [property(BETA.property)],
  };
  const gamma = {
    tenantId: GAMMA.tenant,
    apiKey: 'gamma-entrata-key',
    webhook: { mode: 'hmac', secret: GAMMA.secret },
    properties: [property(GAMMA.property)],
  };
  // The orgs exist before ingest starts, so the first reconciliation poll (at start-up) succeeds.
  await control(sandbox, 'PUT', `/entrata/orgs/${ORG}`, org);
  await control(sandbox, 'PUT', `/entrata/orgs/${BETA.org}`, beta);
  await control(sandbox, 'PUT', `/entrata/orgs/${GAMMA.org}`, gamma);
  const betaEntrata = await startRewritingProxy(sandbox.url);

  const dir = mkdtempSync(join(tmpdir(), 'ingest-test-'));
  const tenantsFile = join(dir, 'tenants.json');
  const defaults = {
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
  };
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
          defaults,
          // The property's rent setting (Entrata's rent is not read yet): ApplicationSubmitted v2 carries it.
          properties: { [String(PROPERTY)]: { monthlyRentCents: ACME_RENT_CENTS } },
        },
        {
          id: BETA.tenant,
          name: 'Beta PM',
          entrata: {
            baseUrl: `${betaEntrata.url}/ext/orgs/${BETA.org}/v1`,
            auth: { type: 'apikey', apiKey: { env: 'BETA_ENTRATA_KEY' } },
            propertyIds: [String(BETA.property)],
            requestsPerMinute: 600,
          },
          webhook: {
            auth: 'basic',
            username: BETA.username,
            passwords: [{ env: 'BETA_WEBHOOK_OLD' }, { env: 'BETA_WEBHOOK_NEW' }],
          },
          reconciliation: { intervalMinutes: 1440, lookbackDays: 2 },
          defaults,
          properties: {},
        },
        {
          id: GAMMA.tenant,
          name: 'Gamma PM',
          entrata: {
            baseUrl: `${sandbox.url}/ext/orgs/${GAMMA.org}/v1`,
            auth: { type: 'apikey', apiKey: { env: 'GAMMA_ENTRATA_KEY' } },
            propertyIds: [String(GAMMA.property)],
            requestsPerMinute: 600,
          },
          webhook: { auth: 'hmac', secrets: [{ env: 'GAMMA_WEBHOOK' }], toleranceSeconds: 300 },
          reconciliation: { intervalMinutes: 1440, lookbackDays: 2 },
          defaults,
          properties: {},
        },
      ],
    }),
  );
  const tenants = loadTenants(tenantsFile, {
    ACME_ENTRATA_KEY: API_KEY,
    ACME_WEBHOOK_OLD: ACME_OLD_SECRET,
    ACME_WEBHOOK_NEW: WEBHOOK_SECRET,
    BETA_ENTRATA_KEY: 'beta-entrata-key',
    BETA_WEBHOOK_OLD: BETA.oldPassword,
    BETA_WEBHOOK_NEW: BETA.password,
    GAMMA_ENTRATA_KEY: 'gamma-entrata-key',
    GAMMA_WEBHOOK: GAMMA.secret,
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
      // About 30 s of waiting for a mapping (2 + 4 + 8 + 16 s) instead of 45 minutes.
      PLATFORM_MAPPING_RETRIES: 4,
    },
    tenants,
    logger,
    onStop: (name, stop) => stops.push({ name, stop }),
    jobPollingSeconds: 0.5,
    // Small pages, so the reconciliation poll is seen to read every page of getLeads.
    entrataTuning: { pageSize: 2 },
  });
  const url = ingest.url as string;

  // Now that ingest listens, the sandbox can deliver its webhooks there.
  await control(sandbox, 'PUT', `/entrata/orgs/${ORG}`, { ...org, ingestBaseUrl: url });
  await control(sandbox, 'PUT', `/entrata/orgs/${BETA.org}`, { ...beta, ingestBaseUrl: url });
  await control(sandbox, 'PUT', `/entrata/orgs/${GAMMA.org}`, { ...gamma, ingestBaseUrl: url });
  // The start-up reconciliation polls call Entrata in the background: let them finish, so tests that count
  // Entrata calls or rows start from a quiet service.
  const polled = Date.now();
  while ((await ingest.prisma.reconciliationState.count({ where: { lastFinishedAt: { not: null } } })) < 3) {
    if (Date.now() - polled > 30_000) throw new Error('the start-up reconciliation polls did not finish');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    db,
    kafka,
    sandbox,
    prisma: ingest.prisma,
    admin,
    /** Rewrites beta's Entrata responses (e.g. adds unexpected fields); undefined = pass through. */
    betaEntrata,
    /** Every event of `type` on a topic, for one application (by correlation id). */
    async events(topic: string, type: string, applicationId?: string) {
      const messages = await admin.readTopic(`${kafka.namespace}.${topic}`);
      return messages
        .map(
          (m) =>
            messageJson(m.value) as {
              type: string;
              version: number;
              correlationId: string;
              payload: any;
              tenantId: string;
            },
        )
        .filter(
          (e) => e?.type === type && (applicationId === undefined || e.correlationId === applicationId),
        );
    },
    async stop() {
      for (const { stop } of stops.reverse()) await stop();
      await admin.disconnect();
      await betaEntrata.stop();
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

type Applicant = {
  firstName: string;
  lastName: string;
  email?: string;
  phones?: Record<string, string>;
  customerType: string;
  relationshipName?: string;
};

export function submitApplication(
  h: Harness,
  webhook: 'deliver' | 'drop' | 'duplicate' | 'none' = 'deliver',
  options: { org?: string; propertyId?: number; applicants?: Applicant[] } = {},
) {
  return control(h.sandbox, 'POST', `/entrata/orgs/${options.org ?? ORG}/applications`, {
    propertyId: options.propertyId ?? PROPERTY,
    webhook,
    applicants: options.applicants ?? [
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

/**
 * A pass-through HTTP proxy in front of the sandbox whose JSON answers a test may rewrite, to see how ingest
 * copes with Entrata responses the sandbox never produces (unexpected fields, odd shapes).
 */
export async function startRewritingProxy(target: string) {
  const state: { rewrite?: ((json: any) => unknown) | undefined } = {};
  const seen: { path: string; apiKey: string | undefined }[] = [];
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = { ...req.headers } as Record<string, string>;
    seen.push({ path: req.url ?? '', apiKey: headers['x-api-key'] });
    delete headers.host;
    delete headers['content-length'];
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    let body = Buffer.from(await upstream.arrayBuffer());
    const type = upstream.headers.get('content-type') ?? '';
    if (state.rewrite && type.includes('json'))
      body = Buffer.from(JSON.stringify(state.rewrite(JSON.parse(body.toString('utf8')))));
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
        out[name] = value;
    });
    res.writeHead(upstream.status, { ...out, 'content-length': String(body.length) });
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    forward(req, res).catch((error: Error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Every request passed on: its path and the API key it carried. */
    seen,
    /** Rewrites every JSON answer until set back to undefined. */
    rewrite(fn: ((json: any) => unknown) | undefined) {
      state.rewrite = fn;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
