import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServiceName, serviceNames, type TenantsFile } from '@autoverify/contracts';
import {
  compileApps,
  createTopics,
  ensureKafka,
  ensurePostgres,
  generateClient,
  migrateDatabase,
} from './infrastructure.ts';
import { databaseUrl, removeNamespace, type StackDatabase, stackDatabases } from './namespace.ts';
import { devKeyringFile, repoRoot, serviceDir, stateDir, supportDir } from './paths.ts';
import { type ManagedProcess, type SpawnOptions, spawnManaged, startUntilReady } from './processes.ts';
import { runtimeEnv, serviceNodeArgs } from './runtime-env.ts';
import { sandboxSecrets } from './secrets.ts';
import { seedSandbox } from './seed-sandbox.ts';
import { portOffset, processesOf, type StackProcess, SUPPORT_PORT_OFFSET } from './service-processes.ts';

export interface StackOptions {
  /** Kafka topic/group namespace; also names the databases and the state folder. */
  namespace?: string;
  /** Start from nothing: drop the namespace's databases and topics first. */
  fresh?: boolean;
  /**
   * Services listen on portBase+1..+5, the support console on +6, ingest's worker process (health and
   * metrics) on +7, the sandbox on portBase+1000, its SMTP on portBase+1025.
   */
  portBase?: number;
  /** Adjust the tenants (customers) before the services read them, e.g. a fast reminder schedule. */
  tenants?: (file: TenantsFile) => TenantsFile;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /**
   * People besides "dev" (SUPPORT_DEV_TOKEN, every scope) the support console lets in, e.g. a token
   * without some scope for a test that it is refused.
   */
  supportTokens?: { name: string; token: string; scopes: string[] }[];
  /** Print lines of the processes (default true). */
  output?: ((line: string) => void) | false;
  log?: (message: string) => void;
}

export interface Stack {
  readonly namespace: string;
  readonly brokers: string;
  readonly urls: Record<ServiceName | 'sandbox' | 'support', string> & { smtpPort: number };
  readonly databaseUrls: Record<ServiceName | 'support', string>;
  readonly secrets: Record<string, string>;
  /** Sandbox-only token of the support console with every scope (config/sandbox.env SUPPORT_DEV_TOKEN). */
  readonly supportToken: string;
  /** Kill a service's processes the hard way (kill -9 by default) and leave them down. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Start a stopped or killed service's processes again and wait until they are ready. */
  start(service: ServiceName): Promise<void>;
  /** The operating-system process id of a running process (e.g. to read its memory in /proc); else undefined. */
  pid(process: StackProcess): number | undefined;
  /** Stops every process; with removeData also drops the namespace's databases and topics. */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const namespace = options.namespace ?? 'autoverify';
  const portBase = options.portBase ?? 3000;
  const log = options.log ?? ((m: string) => console.log(`stack        ${m}`));
  const secrets = sandboxSecrets();
  const sandboxPort = portBase + 1000;
  const urls = {
    sandbox: `http://127.0.0.1:${sandboxPort}`,
    smtpPort: portBase + 1025,
    ...(Object.fromEntries(
      serviceNames.map((s) => [s, `http://127.0.0.1:${portBase + portOffset[s]}`]),
    ) as Record<ServiceName, string>),
    support: `http://127.0.0.1:${portBase + SUPPORT_PORT_OFFSET}`,
  };
  log('finding PostgreSQL and Kafka (DATABASE_ADMIN_URL / KAFKA_BROKERS, Docker, or this machine)');
  const postgres = await ensurePostgres();
  const adminUrl = new URL(postgres.address);
  const databaseUrls = Object.fromEntries(
    stackDatabases.map((s) => [s, databaseUrl(adminUrl.toString(), namespace, s)]),
  ) as Record<StackDatabase, string>;

  const kafkaInfrastructure = await ensureKafka();
  const kafka = { brokers: kafkaInfrastructure.address };
  // Stops the broker and database server only when this stack started them.
  const releaseInfrastructure = async () => {
    await kafkaInfrastructure.release();
    await postgres.release();
  };
  if (options.fresh) {
    log(`removing the databases and topics of namespace "${namespace}" (a clean start)`);
    await removeNamespace(namespace, { brokers: kafka.brokers, adminUrl: adminUrl.toString() });
  }
  log(`Kafka at ${kafka.brokers}; creating topics in namespace "${namespace}"`);
  await createTopics(kafka.brokers, namespace);

  log('generating Prisma clients and migrating the five service databases');
  await Promise.all(serviceNames.map((s) => generateClient(s)));
  for (const s of serviceNames) await migrateDatabase(s, databaseUrls[s]);
  log('generating the Prisma client and migrating the database of the support console');
  await generateClient('support', supportDir);
  await migrateDatabase('support', databaseUrls.support, supportDir);
  log('compiling the services, the support console and their packages to JavaScript (dist/)');
  await compileApps([...serviceNames.map((s) => serviceDir(s)), supportDir]);

  const runDir = join(stateDir(), namespace);
  mkdirSync(runDir, { recursive: true });
  const tenantsFile = join(runDir, 'tenants.json');
  writeFileSync(tenantsFile, JSON.stringify(localTenants(urls.sandbox, options.tenants), null, 2));

  const output = options.output === false ? () => {} : options.output;
  const processes = new Map<string, ManagedProcess>();

  log(`starting the sandbox at ${urls.sandbox}`);
  /** Spawns one named Node process (again, on a restart), keeping its handle for kill, pid and stop. */
  const spawner = (name: string, spawn: Pick<SpawnOptions, 'args' | 'cwd' | 'env'>) => (): ManagedProcess => {
    const child = spawnManaged({ name, command: process.execPath, ...spawn, ...(output ? { output } : {}) });
    processes.set(name, child);
    return child;
  };
  const spawnSandbox = spawner('sandbox', {
    args: ['src/main.ts'],
    cwd: join(repoRoot, 'sandbox'),
    env: {
      ...secrets,
      HOST: '127.0.0.1',
      PORT: String(sandboxPort),
      SMTP_PORT: String(urls.smtpPort),
      INGEST_URL: urls.ingest,
      NOTIFY_URL: urls.notify,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
  });
  const stopSandbox = async () => processes.get('sandbox')?.stop();
  try {
    // It holds no database connections: an exit at start-up is a fault of its own, not retried.
    await startUntilReady(spawnSandbox, `${urls.sandbox}/sandbox/entrata/orgs`, { attempts: 1, log });
    await seedSandbox(
      urls.sandbox,
      JSON.parse(readFileSync(tenantsFile, 'utf8')) as TenantsFile,
      secrets,
      urls.ingest,
    );
  } catch (error) {
    await stopSandbox();
    await releaseInfrastructure();
    throw error;
  }

  const serviceEnv = (service: ServiceName, role: string, port: number): Record<string, string> => ({
    ...runtimeEnv(),
    ...secrets,
    HOST: '127.0.0.1',
    PORT: String(port),
    SERVICE_ROLE: role,
    DATABASE_URL: databaseUrls[service],
    KAFKA_BROKERS: kafka.brokers,
    KAFKA_NAMESPACE: namespace,
    EVENT_KEYRING_FILE: devKeyringFile,
    TENANTS_FILE: tenantsFile,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    PLATFORM_BASE_URL: urls.sandbox,
    TWILIO_BASE_URL: urls.sandbox,
    SMTP_URL: `smtp://127.0.0.1:${urls.smtpPort}`,
    INGEST_PUBLIC_URL: urls.ingest,
    NOTIFY_PUBLIC_URL: urls.notify,
    OTEL_SERVICE_NAME: service,
    // Spans are made even without a collector: their ids reach the logs and the support timeline.
    OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED ?? 'false',
    ...options.env,
  });

  const start = async (service: ServiceName) => {
    await Promise.all(
      processesOf(service).map(({ name, role, portOffset: offset }) => {
        const port = portBase + offset;
        const spawn = spawner(name, {
          args: serviceNodeArgs,
          cwd: serviceDir(service),
          env: serviceEnv(service, role, port),
        });
        return startUntilReady(spawn, `http://127.0.0.1:${port}/health/ready`, { log });
      }),
    );
  };
  const stopService = (service: ServiceName, signal?: NodeJS.Signals) =>
    Promise.all(processesOf(service).map(({ name }) => processes.get(name)?.stop(signal)));

  log('starting ingest, invite, reminder, notify and report-sync');
  const started = await Promise.allSettled(serviceNames.map(start));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Leave nothing behind: a caller that failed to start cannot stop what it never got a handle to.
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await releaseInfrastructure();
    throw failed.reason;
  }

  const startSupportConsole = async () => {
    const spawn = spawner('support', { args: serviceNodeArgs, cwd: supportDir, env: supportEnv() });
    await startUntilReady(spawn, `${urls.support}/health/ready`, { log });
  };
  const supportEnv = (): Record<string, string> => ({
    ...runtimeEnv(),
    HOST: '127.0.0.1',
    PORT: String(portBase + SUPPORT_PORT_OFFSET),
    DATABASE_URL: databaseUrls.support,
    KAFKA_BROKERS: kafka.brokers,
    KAFKA_NAMESPACE: namespace,
    EVENT_KEYRING_FILE: devKeyringFile,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    SUPPORT_TOKENS: JSON.stringify([
      { name: 'dev', sha256: sha256(secrets.SUPPORT_DEV_TOKEN ?? ''), scopes: supportScopes },
      ...(options.supportTokens ?? []).map(({ name, token, scopes }) => ({
        name,
        sha256: sha256(token),
        scopes,
      })),
    ]),
    // Every service's admin API (re-runs; set-aside outbox rows): SERVICE_URL and SERVICE_ADMIN_TOKEN.
    ...Object.fromEntries(
      serviceNames.flatMap((service) => {
        const prefix = service.toUpperCase().replace('-', '_');
        return [
          [`${prefix}_URL`, urls[service]],
          ...(secrets.ADMIN_TOKEN ? [[`${prefix}_ADMIN_TOKEN`, secrets.ADMIN_TOKEN]] : []),
        ];
      }),
    ),
    OTEL_SERVICE_NAME: 'support',
    // Spans are made even without a collector: their ids reach the logs and the support timeline.
    OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED ?? 'false',
    ...options.env,
  });
  log(`starting the support console at ${urls.support}`);
  try {
    await startSupportConsole();
  } catch (error) {
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await releaseInfrastructure();
    throw error;
  }
  log('all services are ready');

  return {
    namespace,
    brokers: kafka.brokers,
    urls,
    databaseUrls,
    secrets,
    supportToken: secrets.SUPPORT_DEV_TOKEN ?? '',
    kill: async (service, signal = 'SIGKILL') => {
      await stopService(service, signal);
    },
    start,
    pid: (name) => {
      const child = processes.get(name);
      return child && !child.exited() ? child.pid : undefined;
    },
    async stop(stopOptions = {}) {
      // Services first (they flush their outboxes), then the sandbox they talk to, then Kafka if ours.
      await Promise.all([...serviceNames.map((s) => stopService(s)), processes.get('support')?.stop()]);
      await stopSandbox();
      if (stopOptions.removeData) {
        await removeNamespace(namespace, { brokers: kafka.brokers, adminUrl: adminUrl.toString() });
      }
      await releaseInfrastructure();
    },
  };
}

/** The example customers, pointed at this run's sandbox. */
function localTenants(sandboxUrl: string, adjust?: (file: TenantsFile) => TenantsFile): TenantsFile {
  const text = readFileSync(join(repoRoot, 'config', 'tenants.example.json'), 'utf8').replaceAll(
    'http://127.0.0.1:4000',
    sandboxUrl,
  );
  const file = JSON.parse(text) as TenantsFile;
  return adjust ? adjust(file) : file;
}

const supportScopes = ['timeline:read', 'pii:read', 'replay', 'dlq', 'rerun', 'audit:read', 'erase'];
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
