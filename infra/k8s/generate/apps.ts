// What each deployed application needs from Kubernetes: one table, from which the per-application
// manifests (workloads.ts) and the Kafka users (strimzi.ts) are generated, so six applications cannot drift.
import { type ServiceName, serviceNames, supportConsumer } from '@autoverify/contracts';

export type AppName = ServiceName | typeof supportConsumer;

export interface SecretEnv {
  name: string;
  /** Secret and key, default `<app>-secrets` / the variable's name. */
  secret?: string;
  key?: string;
  optional?: boolean;
}

export interface App {
  name: AppName;
  /** Folder in the repository; the image's working directory. */
  dir: string;
  port: number;
  /** Non-secret settings of this application (the common ones are in the autoverify-common ConfigMap). */
  env: Record<string, string>;
  secrets: SecretEnv[];
  /** Reads the tenants file (every service; not the support console). */
  tenants: boolean;
  /** Reachable from the ingress controller (webhooks, unsubscribe links). */
  public: boolean;
  /** Calls providers on the internet over HTTPS (Entrata, the verification platform, Twilio). */
  https: boolean;
  /** Extra outgoing TCP ports to the internet (SMTP submission). */
  internetPorts?: number[];
  /** Scales on consumer lag in prod (KEDA): the work is reading topics, not answering HTTP. */
  lagScaling: boolean;
  /**
   * Runs as two Deployments of the same image (SERVICE_ROLE, docs/architecture.md "Web and worker
   * processes"): `<name>` answers HTTP behind the Service, `<name>-worker` does the rest, without a Service.
   */
  split?: boolean;
}

/** One Deployment of an application: the whole application, or the web or worker part of a split one. */
export interface Workload {
  /** The Deployment's (and its pods' `app.kubernetes.io/name`) name. */
  name: string;
  app: App;
  role?: 'web' | 'worker';
}

export const workloadsOf = (app: App): Workload[] =>
  app.split
    ? [
        { name: app.name, app, role: 'web' },
        { name: `${app.name}-worker`, app, role: 'worker' },
      ]
    : [{ name: app.name, app }];

/**
 * A secret that is rotated by running with two values for a while: the current one and, optionally, the
 * `_PREVIOUS` one that is still accepted (docs/operations.md, "Rotate secrets").
 */
const rotating = (name: string, optional = false): SecretEnv[] => [
  { name, ...(optional ? { optional } : {}) },
  { name: `${name}_PREVIOUS`, optional: true },
];
/** Every service's admin routes (service-kit's set-aside outbox rows; re-runs in invite and report-sync). */
const adminTokens: SecretEnv[] = rotating('ADMIN_TOKEN', true);
/** `report-sync` -> `REPORT_SYNC`: the support console's variables for a service. */
const envPrefix = (service: ServiceName) => service.toUpperCase().replace('-', '_');

const service = (name: ServiceName, port: number, rest: Partial<App>): App => ({
  name,
  dir: `services/${name}`,
  port,
  env: {},
  secrets: [],
  tenants: true,
  public: false,
  https: false,
  lagScaling: true,
  ...rest,
});

export const apps: App[] = [
  service('ingest', 3001, {
    secrets: [...rotating('PLATFORM_WEBHOOK_SECRET'), ...adminTokens],
    public: true,
    https: true,
    // Its intake is HTTP (webhooks): CPU, not lag, tells when it is busy.
    lagScaling: false,
    // The syncs each webhook causes took the event loop the acks need (e2e/bench/README.md, 2026-12-07).
    split: true,
  }),
  service('invite', 3002, {
    env: {
      PLATFORM_BASE_URL: 'https://api.verification-platform.example.com',
      INGEST_PUBLIC_URL: 'https://hooks.autoverify.example.com',
    },
    secrets: [{ name: 'PLATFORM_CLIENT_ID' }, { name: 'PLATFORM_SECRET_KEY' }, ...adminTokens],
    https: true,
  }),
  service('reminder', 3003, { secrets: adminTokens }),
  service('notify', 3004, {
    env: {
      TWILIO_BASE_URL: 'https://api.twilio.com',
      NOTIFY_PUBLIC_URL: 'https://notify.autoverify.example.com',
    },
    secrets: [
      { name: 'SMTP_URL' },
      { name: 'TWILIO_ACCOUNT_SID' },
      ...rotating('TWILIO_AUTH_TOKEN'),
      ...rotating('UNSUBSCRIBE_SECRET'),
      ...adminTokens,
    ],
    public: true,
    https: true,
    internetPorts: [465, 587],
  }),
  service('report-sync', 3005, {
    env: { PLATFORM_BASE_URL: 'https://api.verification-platform.example.com' },
    secrets: [{ name: 'PLATFORM_CLIENT_ID' }, { name: 'PLATFORM_SECRET_KEY' }, ...adminTokens],
    https: true,
  }),
  {
    name: supportConsumer,
    dir: 'tools/support',
    port: 3006,
    // Each service's admin API (re-runs, set-aside outbox rows), with the service's own ADMIN_TOKEN.
    env: Object.fromEntries(serviceNames.map((s) => [`${envPrefix(s)}_URL`, `http://${s}`])),
    secrets: [
      { name: 'SUPPORT_TOKENS' },
      ...serviceNames.map((s) => ({
        name: `${envPrefix(s)}_ADMIN_TOKEN`,
        secret: `${s}-secrets`,
        key: 'ADMIN_TOKEN',
        optional: true,
      })),
    ],
    tenants: false,
    public: false,
    https: false,
    lagScaling: false,
  },
];

if (apps.filter((a) => (serviceNames as readonly string[]).includes(a.name)).length !== serviceNames.length)
  throw new Error('infra/k8s/generate/apps.ts must describe every service of contracts.serviceNames');

/** Image name of an application (overlays pin its tag). */
export const imageOf = (app: App): string => `autoverify/${app.name}`;

/** Shutdown budget: endpoints drain during preStop, then runService's stop hooks get their 25 s. */
export const PRE_STOP_SECONDS = 5;
export const STOP_HOOKS_SECONDS = 25;
export const TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + STOP_HOOKS_SECONDS + 10;

/** Where the cluster's Prometheus runs: the only namespace allowed to reach an application's /metrics. */
export const MONITORING_NAMESPACE = 'monitoring';
/** How often Prometheus scrapes: the database-backed gauges cost one small query per scrape (docs). */
export const SCRAPE_INTERVAL = '30s';
