/**
 * Starts the support console's parts in dependency order. `onStop` receives each part's stop function as
 * it starts; the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import { kafkaConnectionFromEnv } from '@autoverify/config';
import { supportConsumer, supportSubscriptions } from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import type { Logger } from '@autoverify/logger';
import { createKafka, prismaTransactions, startConsumer } from '@autoverify/messaging';
import {
  addLivenessCheck,
  addReadinessCheck,
  consumerLivenessCheck,
  createHttpServer,
  type HttpServer,
} from '@autoverify/service-kit';
import type { Env } from './config.ts';
import { supportConsole } from './console.ts';
import { PrismaClient, type Tx } from './db.ts';
import { loadTokens } from './domain/tokens.ts';
import { registerRoutes } from './http/routes.ts';
import { timelineHandlers } from './projection.ts';
import { registerWebConsole } from './web/plugin.ts';

export interface StartSupportOptions {
  env: Env;
  logger: Logger;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Listen on the configured port (default true); tests may pass false and use app.inject. */
  listen?: boolean;
}

export interface RunningSupport {
  app: HttpServer;
  prisma: InstanceType<typeof PrismaClient>;
  url?: string;
}

export async function startSupport(options: StartSupportOptions): Promise<RunningSupport> {
  const { env, logger, onStop } = options;
  // First: a bad token configuration should stop start-up before anything connects.
  const tokens = loadTokens(env.SUPPORT_TOKENS);
  const kafkaSecurity = kafkaConnectionFromEnv(env);

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  onStop('database', () => prisma.$disconnect());
  const transactions = prismaTransactions<Tx>(prisma);

  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: 'support',
    namespace: env.KAFKA_NAMESPACE,
    logger,
    ...kafkaSecurity,
  });
  onStop('kafka', () => kafka.disconnect());

  const consumer = await startConsumer({
    kafka,
    service: supportConsumer,
    topics: supportSubscriptions,
    transactions,
    handlers: timelineHandlers(),
    logger,
    // The projection only inserts rows: several partitions at once keep up with every topic.
    concurrency: 4,
  });
  onStop('consumer', () => consumer.stop());

  const app = createHttpServer({ logger });
  const support = supportConsole({
    db: prisma,
    kafka,
    reportSync: { url: env.REPORT_SYNC_URL, token: env.REPORT_SYNC_ADMIN_TOKEN },
    invite: { url: env.INVITE_URL, token: env.INVITE_ADMIN_TOKEN },
  });
  registerRoutes(app, { console: support, tokens, db: prisma });
  registerWebConsole(app, { console: support, tokens, db: prisma, grafanaUrl: env.GRAFANA_URL });
  addReadinessCheck(app, 'database', async () => {
    await prisma.$queryRawUnsafe('SELECT 1');
  });
  // Kafka is not a readiness check (see service-kit's startEventService); a consumer stopped for good is a
  // liveness failure.
  addLivenessCheck(
    app,
    'consumer',
    consumerLivenessCheck(() => consumer),
  );
  onStop('http', () => app.close());
  if (options.listen === false) {
    await app.ready();
    return { app, prisma };
  }
  const url = await app.listen({ host: env.HOST, port: env.PORT });
  return { app, prisma, url };
}
