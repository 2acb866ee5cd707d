import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '@autoverify/config';
import type { TenantsFile } from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import type { Sandbox, SandboxOptions } from '@autoverify/sandbox';
import { startService } from '@autoverify/service-kit';
import { startServiceUnderTest } from '@autoverify/service-testing';
import { messageJson, waitFor } from '@autoverify/testing';
import { IngestEnv } from '../src/config.ts';
import { ingestService } from '../src/service.ts';

type DestinationStream = NonNullable<Parameters<typeof createLogger>[0]['destination']>;

export const ORG = 'acme-pm';
export const TENANT = 'acme';
export const PROPERTY = 100200;
export const WEBHOOK_SECRET = 'acme-webhook-secret';
export const PLATFORM_SECRET = 'platform-webhook-secret-0123456789';
/** The platform secret being rotated out (PLATFORM_WEBHOOK_SECRET_PREVIOUS). */
export const PLATFORM_OLD_SECRET = 'platform-webhook-secret-rotated-out';
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

const serviceDir = fileURLToPath(new URL('..', import.meta.url));

const property = (propertyId: number) => ({
  propertyId,
  name: `Property ${propertyId}`,
  address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
});
/** The three customers' orgs in the sandbox's Entrata (seeded: they exist before ingest's first poll). */
type OrgInput = Omit<NonNullable<SandboxOptions['seed']>['orgs'][number], 'org'>;
const orgs: Record<string, OrgInput> = {
  [ORG]: {
    tenantId: TENANT,
    apiKey: API_KEY,
    webhook: { mode: 'hmac', secret: WEBHOOK_SECRET },
    properties: [{ ...property(PROPERTY), name: 'Elm Court' }],
  },
  [BETA.org]: {
    tenantId: BETA.tenant,
    apiKey: 'beta-entrata-key',
    webhook: { mode: 'basic', username: BETA.username, password: BETA.password },
    properties: [property(BETA.property)],
  },
  [GAMMA.org]: {
    tenantId: GAMMA.tenant,
    apiKey: 'gamma-entrata-key',
    webhook: { mode: 'hmac', secret: GAMMA.secret },
    properties: [property(GAMMA.property)],
  },
};

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

function tenantsFile(sandboxUrl: string, betaEntrataUrl: string): TenantsFile {
  return {
    tenants: [
      {
        id: TENANT,
        name: 'Acme PM',
        entrata: {
          baseUrl: `${sandboxUrl}/ext/orgs/${ORG}/v1`,
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
          baseUrl: `${betaEntrataUrl}/ext/orgs/${BETA.org}/v1`,
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
          baseUrl: `${sandboxUrl}/ext/orgs/${GAMMA.org}/v1`,
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
  } as TenantsFile;
}

const serviceEnv = {
  PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
  PLATFORM_WEBHOOK_SECRET_PREVIOUS: PLATFORM_OLD_SECRET,
  RECONCILIATION_TICK_MS: '200',
  // About 30 s of waiting for a mapping (2 + 4 + 8 + 16 s) instead of 45 minutes.
  PLATFORM_MAPPING_RETRIES: '4',
};
// Small pages, so the reconciliation poll is seen to read every page of getLeads.
const serviceOptions = { entrata: { pageSize: 2 } };

/**
 * ingest in-process (startServiceUnderTest) against a fresh database, the real broker and the sandbox. With
 * `split`, as deployed: `url` is a web process (SERVICE_ROLE=web) and a worker process (SERVICE_ROLE=worker)
 * runs beside it on the same database, at `workerUrl`.
 */
export async function startHarness(
  options: { log?: { level: string; destination: DestinationStream }; split?: boolean } = {},
) {
  const betaEntrata = await startRewritingProxy();
  const sut = await startServiceUnderTest(ingestService, {
    serviceDir,
    ...(options.log
      ? {
          logger: createLogger({ service: 'ingest-test', ...options.log }),
          logLevel: options.log.level,
        }
      : {}),
    sandbox: {
      webhookRetry: { attempts: 3, initialDelayMs: 50, timeoutMs: 3000 },
      seed: { orgs: Object.entries(orgs).map(([org, input]) => ({ org, ...input })) },
    },
    tenants: ({ sandbox }) => {
      betaEntrata.target = sandbox.url;
      return tenantsFile(sandbox.url, betaEntrata.url);
    },
    secrets: {
      ACME_ENTRATA_KEY: API_KEY,
      ACME_WEBHOOK_OLD: ACME_OLD_SECRET,
      ACME_WEBHOOK_NEW: WEBHOOK_SECRET,
      BETA_ENTRATA_KEY: 'beta-entrata-key',
      BETA_WEBHOOK_OLD: BETA.oldPassword,
      BETA_WEBHOOK_NEW: BETA.password,
      GAMMA_ENTRATA_KEY: 'gamma-entrata-key',
      GAMMA_WEBHOOK: GAMMA.secret,
    },
    env: { ...serviceEnv, ...(options.split ? { SERVICE_ROLE: 'web' } : {}) },
    options: serviceOptions,
  });
  sut.onStop('beta entrata proxy', () => betaEntrata.stop());
  const worker = options.split
    ? await startService(ingestService, {
        env: loadEnv(IngestEnv, { ...sut.env, ...serviceEnv, SERVICE_ROLE: 'worker' }),
        tenants: sut.tenants,
        logger: sut.logger,
        onStop: sut.onStop,
        options: serviceOptions,
        jobPollingSeconds: 0.5,
      })
    : undefined;
  const url = sut.service.url as string;
  const prisma = sut.service.db.client;
  const sandbox = sut.sandbox;

  // Now that ingest listens, the sandbox can deliver its webhooks there.
  for (const [org, input] of Object.entries(orgs))
    await control(sandbox, 'PUT', `/entrata/orgs/${org}`, { ...input, ingestBaseUrl: url });
  // The start-up reconciliation polls call Entrata in the background: let them finish, so tests that count
  // Entrata calls or rows start from a quiet service.
  await waitFor(
    async () =>
      (await prisma.reconciliationState.count({ where: { lastFinishedAt: { not: null } } })) >= 3 ||
      undefined,
    { timeoutMs: 30_000, intervalMs: 100, message: 'the start-up reconciliation polls' },
  );

  return {
    url,
    /** The worker process's health, readiness and metrics (with `split`). */
    workerUrl: worker?.url,
    db: sut.database,
    kafka: sut.testKafka,
    sandbox,
    prisma,
    /** ingest's ctx.db (its plain-pg statements and transactions). */
    ctxDb: sut.service.db,
    /** ingest's job queue (send a job by hand, e.g. the retention run). */
    jobs: sut.service.jobs,
    /** A Kafka client on the test's namespace (publish events to ingest). */
    admin: sut.kafka,
    /** Rewrites beta's Entrata responses (e.g. adds unexpected fields); undefined = pass through. */
    betaEntrata,
    /** Every event of `type` on a topic, for one application (by correlation id). */
    async events(topic: string, type: string, applicationId?: string) {
      const messages = await sut.kafka.readTopic(`${sut.testKafka.namespace}.${topic}`);
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
    stop: () => sut.stop(),
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

export type Applicant = {
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
export async function startRewritingProxy() {
  const state: {
    rewrite?: ((json: any) => unknown) | undefined;
    target?: string;
    /** While set, requests wait for it before they are passed on. */
    gate?: { opened: Promise<void>; open: () => void } | undefined;
    held: number;
  } = { held: 0 };
  const seen: { path: string; apiKey: string | undefined }[] = [];
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (state.gate) {
      state.held++;
      await state.gate.opened;
    }
    const headers = { ...req.headers } as Record<string, string>;
    seen.push({ path: req.url ?? '', apiKey: headers['x-api-key'] });
    delete headers.host;
    delete headers['content-length'];
    const upstream = await fetch(`${state.target}${req.url}`, {
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
    /** Where requests are passed on (the sandbox, once it runs). */
    set target(url: string) {
      state.target = url;
    },
    /** Every request passed on: its path and the API key it carried. */
    seen,
    /** Requests waiting at the closed gate so far. */
    get held() {
      return state.held;
    },
    /** Holds every request until open() (a slow or rate-limited Entrata). */
    close() {
      let open = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      state.gate = { opened, open };
      state.held = 0;
    },
    open() {
      state.gate?.open();
      state.gate = undefined;
    },
    /** Rewrites every JSON answer until set back to undefined. */
    rewrite(fn: ((json: any) => unknown) | undefined) {
      state.rewrite = fn;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        state.gate?.open();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
