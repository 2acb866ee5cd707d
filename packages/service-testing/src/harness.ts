/**
 * The test infrastructure around a service started in-process: a migrated database of its own, a Kafka
 * namespace with the topics, optionally the in-process sandbox and a tenants file, and a stop() that takes
 * it all down in reverse order. `start` receives the common environment as strings, the loaded tenants, a
 * logger and `onStop`, and starts the service (defined.ts does it for a defineService definition).
 */
import { basename, resolve } from 'node:path';
import { kafkaConnectionFromEnv, loadTenants, type Tenants } from '@autoverify/config';
import {
  allTopics,
  type EventDefinition,
  type EventOf,
  type PayloadOf,
  type TenantsFile,
  type TopicDefinition,
  topicName,
} from '@autoverify/contracts';
import { createLogger, type Logger } from '@autoverify/logger';
import {
  type BuildOptions,
  buildEvent,
  createKafka,
  type EventMeta,
  ensureTopics,
  type KafkaClient,
  publishEvent,
} from '@autoverify/messaging';
import { type Sandbox, type SandboxOptions, startSandbox } from '@autoverify/sandbox';
import {
  messageJson,
  migrateTestDatabase,
  type TestDatabase,
  type TestKafka,
  testKafka,
  testSecrets,
  writeTenantsFile,
  writeTestKeyring,
} from '@autoverify/testing';

type StopFn = () => Promise<void> | void;

/** What the test environment has started before the service: for the tenants file and the service's env. */
export interface TestInfrastructure {
  database: TestDatabase;
  testKafka: TestKafka;
  /** A messaging client on the test's namespace (the harness's own: publish, consume). */
  kafka: KafkaClient;
  /** The in-process sandbox; throws when the harness was started without `sandbox`. */
  sandbox: Sandbox;
  logger: Logger;
}

export interface StartContext extends TestInfrastructure {
  /**
   * DATABASE_URL, KAFKA_BROKERS, KAFKA_NAMESPACE, PORT (0), HOST (127.0.0.1), LOG_LEVEL and, with
   * tenants, TENANTS_FILE: spread into the service's env with its own variables and pass the result
   * through its schema (`loadEnv(MyEnv, { ...ctx.env, MY_VAR: '…' })`).
   */
  env: Record<string, string>;
  /** The tenants file as the service loads it; throws when the harness was started without `tenants`. */
  tenants: Tenants;
  /** Path of the written tenants file; throws without `tenants`. */
  tenantsPath: string;
  /** Registers a part's stop; stop() runs them in reverse order of registration. */
  onStop(name: string, stop: StopFn): void;
}

export interface ServiceUnderTestOptions<T> {
  /** The service's folder (prisma/schema.prisma and prisma/migrations): its migrations make the database. */
  serviceDir: string;
  /** Names the Kafka namespace, client id and logger (default: the folder's name). */
  name?: string;
  /**
   * The tenants the service is configured with, written to a temp file (TENANTS_FILE). A function when
   * the file needs what was started first (e.g. the sandbox's URL). Omit for a service without tenants.
   */
  tenants?: TenantsFile | ((infra: TestInfrastructure) => TenantsFile);
  /** Values of the tenants' secret env variables (each one not given gets a placeholder). */
  secrets?: Record<string, string>;
  /** Topics to create (default: every topic in the registry). */
  topics?: readonly Pick<TopicDefinition, 'name' | 'partitions' | 'retentionMs'>[];
  /**
   * Seal every event with a fresh test keyring (EVENT_KEYRING_FILE), as production does: the service and
   * the harness's own client (publish, events) share it.
   */
  encryptEvents?: boolean;
  /** Start the in-process sandbox (free ports, silent); options are merged over those defaults. */
  sandbox?: boolean | SandboxOptions;
  /** Log level of the test logger and the LOG_LEVEL passed on; env TEST_LOG_LEVEL wins (default silent). */
  logLevel?: string;
  /** A logger of the test's own (e.g. one that captures lines); the level above still sets LOG_LEVEL. */
  logger?: Logger;
  /** Starts the service; called once everything else runs. */
  start(ctx: StartContext): Promise<T>;
}

/** A published event as read back from a topic. */
export interface TestEnvelope {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  tenantId: string;
  correlationId: string;
  causationId?: string;
  payload: Record<string, unknown>;
}

/** Everything `start` saw (`onStop` registers what the test starts itself), the service and helpers. */
export interface ServiceUnderTest<T> extends StartContext {
  /** What `start` returned. */
  service: T;
  /** Builds an event (validated against its contract) and publishes it to its topic. */
  publish<D extends EventDefinition>(
    def: D,
    payload: PayloadOf<D>,
    meta: EventMeta,
    options?: BuildOptions,
  ): Promise<EventOf<D>>;
  /** Publishes existing envelopes as they are (redeliveries, replays, hand-made copies), in order. */
  publishEnvelope(...envelopes: unknown[]): Promise<void>;
  /** Every event on a topic so far (oldest first per partition), optionally only those of one type. */
  events(topic: Pick<TopicDefinition, 'name'>, type?: string): Promise<TestEnvelope[]>;
  /** Stops everything in reverse order of starting; fails listing every part that failed. Safe to call twice. */
  stop(): Promise<void>;
}

function missing(what: string, option: string): never {
  throw new Error(`no ${what} in this test: pass \`${option}\` to startServiceUnderTest`);
}

/** Starts the test infrastructure, then the service via `start`; on a failure, stops what had started. */
export async function startHarness<T>(options: ServiceUnderTestOptions<T>): Promise<ServiceUnderTest<T>> {
  const serviceDir = resolve(options.serviceDir);
  const name = options.name ?? basename(serviceDir);
  const level = process.env.TEST_LOG_LEVEL ?? options.logLevel ?? 'silent';
  const logger = options.logger ?? createLogger({ service: `${name}-test`, level });

  const stops: { name: string; stop: StopFn }[] = [];
  const onStop = (part: string, stop: StopFn) => {
    stops.push({ name: part, stop });
  };
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= stopAll(stops);
    return stopped;
  };

  try {
    // The two slowest steps are independent: side by side, each registering its clean-up once it is done.
    const [migrated, namespaced] = await Promise.allSettled([
      migrateTestDatabase(serviceDir),
      testKafka({ prefix: name }),
    ]);
    if (migrated.status === 'fulfilled') onStop('test database', () => migrated.value.drop());
    if (namespaced.status === 'fulfilled') onStop('kafka namespace', () => namespaced.value.cleanup());
    if (migrated.status === 'rejected') throw migrated.reason;
    if (namespaced.status === 'rejected') throw namespaced.reason;
    const database = migrated.value;
    const kafkaNs = namespaced.value;
    const keyringFile = options.encryptEvents ? writeTestKeyring(`${name}-test`) : undefined;
    if (keyringFile) onStop('keyring file', () => keyringFile.cleanup());
    const kafka = createKafka({
      brokers: kafkaNs.brokers,
      clientId: `${name}-test`,
      namespace: kafkaNs.namespace,
      logger,
      ...(keyringFile ? kafkaConnectionFromEnv({ EVENT_KEYRING_FILE: keyringFile.path }) : {}),
    });
    onStop('test kafka client', () => kafka.disconnect());
    await ensureTopics(kafka, options.topics ?? allTopics());

    let sandbox: Sandbox | undefined;
    if (options.sandbox) {
      const started = await startSandbox({
        httpPort: 0,
        smtpPort: 0,
        logLevel: 'silent',
        ...(options.sandbox === true ? {} : options.sandbox),
      });
      onStop('sandbox', () => started.stop());
      sandbox = started;
    }
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: kafkaNs.brokers.join(','),
      KAFKA_NAMESPACE: kafkaNs.namespace,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: level,
      ...(keyringFile ? { EVENT_KEYRING_FILE: keyringFile.path } : {}),
    };
    let tenants: { loaded: Tenants; path: string } | undefined;
    const requireTenants = () => tenants ?? missing('tenants', 'tenants');
    // One object throughout: the tenants function sees the infrastructure, `start` all of it, the test
    // the same with the service and the helpers added.
    const ctx: StartContext = {
      database,
      testKafka: kafkaNs,
      kafka,
      logger,
      get sandbox() {
        return sandbox ?? missing('sandbox', 'sandbox: true');
      },
      env,
      get tenants() {
        return requireTenants().loaded;
      },
      get tenantsPath() {
        return requireTenants().path;
      },
      onStop,
    };
    if (options.tenants) {
      const file = typeof options.tenants === 'function' ? options.tenants(ctx) : options.tenants;
      const written = writeTenantsFile(file, `${name}-test`);
      onStop('tenants file', () => written.cleanup());
      env.TENANTS_FILE = written.path;
      tenants = { loaded: loadTenants(written.path, testSecrets(file, options.secrets)), path: written.path };
    }

    const service = await options.start(ctx);
    const helpers: Omit<ServiceUnderTest<T>, keyof StartContext> = {
      service,
      async publish(def, payload, meta, build) {
        const event = buildEvent(def, payload, meta, build);
        await publishEvent(kafka, event);
        return event;
      },
      async publishEnvelope(...envelopes) {
        for (const envelope of envelopes) await publishEvent(kafka, envelope);
      },
      async events(topic, type) {
        // Through the client, so sealed events are read opened.
        const messages = await kafka.readTopic(topicName(topic, kafkaNs.namespace));
        return messages
          .map((m) => messageJson(m.value) as TestEnvelope | undefined)
          .filter((e): e is TestEnvelope => e !== undefined && (type === undefined || e.type === type));
      },
      stop,
    };
    // Object.assign keeps ctx's getters (a spread would call them).
    return Object.assign(ctx, helpers);
  } catch (error) {
    await stop().catch((stopError: unknown) =>
      logger.error({ err: stopError }, 'clean-up after a failed start failed'),
    );
    throw error;
  }
}

/** Runs every stop, last registered first, even when some fail; then fails naming those that did. */
async function stopAll(stops: { name: string; stop: StopFn }[]): Promise<void> {
  const failures: Error[] = [];
  for (const { name, stop } of [...stops].reverse()) {
    try {
      await stop();
    } catch (error) {
      failures.push(
        new Error(`stopping ${name} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error }),
      );
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, failures.map((f) => f.message).join('; '));
}
