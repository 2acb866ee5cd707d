import type { SecretRef, TenantSettings } from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import type { Meter } from '@autoverify/telemetry';
import { createEntrataClient, type EntrataClient, type EntrataClientOptions } from './client.ts';
import { observeHeadroom, RateLimitHeadroom } from './headroom.ts';
import { type SharedRateLimits, sharedRateLimits } from './shared-rate-limiter.ts';
import { DEFAULT_MAX_WAIT_MS } from './transport.ts';

export interface EntrataClients {
  /** The tenant's client: its connection pool and rate limiter are that customer's Entrata budget. */
  forTenant(tenantId: string): EntrataClient;
  close(): Promise<void>;
}

/** The part of the tenants registry (@autoverify/config) the factory needs. */
export interface TenantCredentials {
  require(tenantId: string): Pick<TenantSettings, 'entrata'>;
  secret(ref: SecretRef): string;
}

export type EntrataTuning = Partial<
  Pick<
    EntrataClientOptions,
    'maxAttempts' | 'backoff' | 'maxWaitMs' | 'headersTimeoutMs' | 'bodyTimeoutMs' | 'pageSize'
  >
>;

/**
 * One client per tenant, created on first use and kept, built only from that tenant's own settings and
 * secrets: a job for one customer can never call Entrata with another customer's credentials.
 */
export function entrataClientsPerTenant(
  tenants: TenantCredentials,
  logger: Logger,
  tuning: EntrataTuning = {},
  /** Each customer's budget shared with the other replicas (sharedRateLimits); default: per process. */
  limits?: SharedRateLimits,
  /** The service's meter: every tenant's rate-limit headroom as gauges (headroom.ts). */
  meter?: Meter,
): EntrataClients {
  const clients = new Map<string, EntrataClient>();
  const headroom = new RateLimitHeadroom();
  if (meter) observeHeadroom(meter, headroom);
  return {
    forTenant(tenantId) {
      let client = clients.get(tenantId);
      if (!client) {
        const { entrata } = tenants.require(tenantId);
        client = createEntrataClient({
          baseUrl: entrata.baseUrl,
          auth:
            entrata.auth.type === 'apikey'
              ? { type: 'apikey', apiKey: tenants.secret(entrata.auth.apiKey) }
              : {
                  type: 'basic',
                  username: entrata.auth.username,
                  password: tenants.secret(entrata.auth.password),
                },
          tenantId,
          requestsPerMinute: entrata.requestsPerMinute,
          logger,
          headroom,
          ...tuning,
          ...(limits
            ? {
                rateLimiter: limits.limiter(
                  entrata.requestsPerMinute,
                  tuning.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
                ),
              }
            : {}),
        });
        clients.set(tenantId, client);
      }
      return client;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}

/**
 * A service's clients, each customer's budget shared by all of the service's replicas (counted in the
 * service's own database); both are closed by `onStop`. Takes the service's context as it is.
 */
export async function replicaSharedEntrataClients(service: {
  env: { DATABASE_URL: string };
  tenants: TenantCredentials;
  logger: Logger;
  options: { entrata?: EntrataTuning };
  meter?: Meter;
  onStop(name: string, stop: () => Promise<void>): void;
}): Promise<EntrataClients> {
  const limits = await sharedRateLimits({
    connectionString: service.env.DATABASE_URL,
    onPoolError: (error) =>
      service.logger.warn({ err: error }, 'idle connection of the Entrata rate limits failed'),
  });
  service.onStop('entrata rate limits', () => limits.close());
  const clients = entrataClientsPerTenant(
    service.tenants,
    service.logger,
    service.options.entrata,
    limits,
    service.meter,
  );
  service.onStop('entrata clients', () => clients.close());
  return clients;
}
