import { kafkaConnectionFromEnv } from '@autoverify/config';
import { type ServiceName, supportConsumer, supportSubscriptions } from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import { createKafka, type KafkaClient } from '@autoverify/messaging';
import { defineService, type ServiceContext } from '@autoverify/service-kit';
import { SupportEnv, serviceEndpoints } from './config.ts';
import { purgeTimeline } from './console/erasures.ts';
import type { ServiceEndpoint } from './console/reruns.ts';
import { PrismaClient, type Tx } from './db.ts';
import { loadTokens, type TokenEntry } from './domain/tokens.ts';
import { timelineHandlers } from './handlers/timeline.ts';
import { supportRoutes } from './http/routes.ts';
import { registerWebConsole } from './web/plugin.ts';

/** What the console's use cases and routes work with: the shared context, Kafka, tokens, the services. */
export interface SupportContext extends ServiceContext<SupportEnv, Tx, object> {
  /** Reads dead-letter topics and publishes replays and redrives (existing bytes, not outbox events). */
  kafka: KafkaClient;
  /** The personal support tokens (hashes, names, scopes) of SUPPORT_TOKENS. */
  tokens: readonly TokenEntry[];
  /** Each service's admin API (SERVICE_URL, SERVICE_ADMIN_TOKEN). */
  services: Record<ServiceName, ServiceEndpoint>;
}

/**
 * The support console: a timeline projection of every event on every topic (its consumer), and the admin
 * API behind `pnpm support` (replay, dead letters, deliberate re-runs), authorised per person and audited.
 */
export const supportService = defineService({
  name: supportConsumer,
  env: SupportEnv,
  database: (url, pool) => new PrismaClient({ adapter: createPrismaAdapter(url, pool) }),
  // The projection only inserts rows: several partitions at once keep up with every topic.
  consumer: { topics: supportSubscriptions, concurrency: 4 },
  build(shared) {
    const { env } = shared;
    const tokens = loadTokens(env.SUPPORT_TOKENS);
    // Its own client: replays and redrives publish stored bytes to other services' topics, and dead-letter
    // reads use throw-away groups; the service's outbox relay and consumer are not for that.
    const kafka = createKafka({
      brokers: env.KAFKA_BROKERS,
      clientId: 'support-console',
      namespace: env.KAFKA_NAMESPACE,
      logger: shared.logger,
      ...kafkaConnectionFromEnv(env),
    });
    shared.onStop('kafka (replays, dead letters)', () => kafka.disconnect());
    const ctx: SupportContext = {
      ...shared,
      kafka,
      tokens,
      services: serviceEndpoints(env),
    };
    return {
      // One INSERT per event: plain pg, not Prisma's interactive transaction (docs/architecture.md).
      consumerTransactions: 'sql',
      handlers: timelineHandlers(),
      // Retention of the timeline; erasure is the timeline handler's (support does not answer ApplicantErased).
      privacy: { purge: purgeTimeline },
      routes: (app) => {
        supportRoutes(app, ctx);
        registerWebConsole(app, ctx);
      },
    };
  },
});
