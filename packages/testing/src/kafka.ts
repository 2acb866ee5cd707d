import { randomBytes } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';

export interface TestKafka {
  brokers: string[];
  /** Random topic/group namespace: tests never see each other's messages. */
  namespace: string;
  /** Deletes the namespace's topics and (empty) consumer groups. Stop consumers first. */
  cleanup(): Promise<void>;
}

export const defaultTestBrokers = '127.0.0.1:19092';

function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KAFKA_BROKERS || defaultTestBrokers)
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

function quietKafka(brokers: string[]): Kafka {
  return new Kafka({
    brokers,
    clientId: 'autoverify-tests',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
  });
}

async function withAdmin<T>(brokers: string[], fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = quietKafka(brokers).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * A reachable broker (KAFKA_BROKERS, default the local one at 127.0.0.1:19092) and a fresh namespace.
 * Fails fast with a clear message when no broker answers.
 */
export async function testKafka(options: { prefix?: string } = {}): Promise<TestKafka> {
  const brokers = brokersFromEnv();
  try {
    await withAdmin(brokers, (admin) => admin.describeCluster());
  } catch (error) {
    throw new Error(
      `no Kafka broker answers at ${brokers.join(',')} (${(error as Error).message}); start one with ` +
        '`bash infra/local-kafka/kafka.sh start` or set KAFKA_BROKERS',
    );
  }
  const namespace = `${options.prefix ?? 'test'}-${randomBytes(5).toString('hex')}`;
  return {
    brokers,
    namespace,
    cleanup: () =>
      withAdmin(brokers, async (admin) => {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
        if (topics.length > 0) await admin.deleteTopics({ topics });
        const { groups } = await admin.listGroups();
        const ours = groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
        // A group with a live member cannot be deleted; the broker expires it anyway.
        if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
      }),
  };
}

/**
 * How long a test waits for something before failing, unless it says otherwise. Generous on purpose: waiting
 * ends as soon as the condition holds, so a long limit costs nothing when things work, while on a loaded 2-core
 * machine (turbo runs other packages' tests beside this one) a short one fails tests that would have passed.
 */
export const DEFAULT_WAIT_MS = 60_000;

export interface WaitForOptions {
  /** Default DEFAULT_WAIT_MS. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited, in the timeout error. */
  message?: string;
}

/**
 * Polls fn until it returns a truthy value (which is returned) without throwing; on timeout, fails with
 * the last error or the last value seen.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<NonNullable<T>, false>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      lastError = undefined;
      if (last) return last as Exclude<NonNullable<T>, false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.message ?? 'condition';
      const detail = lastError
        ? `last error: ${(lastError as Error).message ?? String(lastError)}`
        : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${detail})`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A Kafka message's value as JSON, or undefined when it is absent or not JSON (read with KafkaClient.readTopic). */
export function messageJson(value: Buffer | null): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
