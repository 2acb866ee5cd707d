import { serviceNames } from '@autoverify/contracts';
import { dropDatabase } from '@autoverify/database';
import { CONSUMER_SESSION_TIMEOUT_MS, createKafka } from '@autoverify/messaging';
import { silentLogger } from './silent-logger.ts';

export const stackDatabases = [...serviceNames, 'support'] as const;
export type StackDatabase = (typeof stackDatabases)[number];

/** `<namespace>_<service>`, with anything PostgreSQL would need quoted replaced by `_`. */
export const databaseName = (namespace: string, service: StackDatabase): string =>
  `${namespace}_${service}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();

export function databaseUrl(adminUrl: string, namespace: string, service: StackDatabase): string {
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName(namespace, service)}`;
  return url.toString();
}

/**
 * Removes everything a stack keeps under its namespace: the databases of the services and the support
 * console, the topics and the consumer groups (call it once the stack's processes have stopped). Used for a clean start (the sandbox keeps nothing across runs, so neither
 * should the services) and by test runs, drills and benches, whose namespaces are their own.
 */
export async function removeNamespace(
  namespace: string,
  where: { brokers: string; adminUrl: string },
): Promise<void> {
  await Promise.all(
    stackDatabases.map((service) => dropDatabase(databaseUrl(where.adminUrl, namespace, service))),
  );
  const kafka = createKafka({ brokers: where.brokers, clientId: 'stack', namespace, logger: silentLogger });
  try {
    await kafka.deleteTopics((await kafka.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`)));
    // A member of a killed process (drills use kill -9) holds its group until the session times out (12 s).
    const deadline = Date.now() + CONSUMER_SESSION_TIMEOUT_MS + 5_000;
    while ((await kafka.deleteGroups(`${namespace}.`)).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    await kafka.disconnect();
  }
}
