import type { Tenants } from '@autoverify/config';
import { createEntrataClient, type EntrataClient } from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';

export interface EntrataClients {
  /** One client (connection pool, rate limiter) per tenant, created on first use. */
  forTenant(tenantId: string): EntrataClient;
  close(): Promise<void>;
}

export function entrataClients(tenants: Tenants, logger: Logger): EntrataClients {
  const clients = new Map<string, EntrataClient>();
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
