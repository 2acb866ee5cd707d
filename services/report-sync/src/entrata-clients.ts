import type { Tenants } from '@autoverify/config';
import {
  createEntrataClient,
  type EntrataClient,
  type EntrataClientOptions,
} from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';
import type { EntrataClients } from './handlers/ports.ts';

/**
 * One Entrata client per tenant, created on first use and kept: its rate limiter is the customer's budget,
 * shared by every job of this process. (ingest has the same small factory; a shared home for it would be
 * @autoverify/entrata-client.)
 */
export function entrataClients(
  tenants: Pick<Tenants, 'require' | 'secret'>,
  logger: Logger,
  tuning: Partial<
    Pick<EntrataClientOptions, 'maxAttempts' | 'backoff' | 'maxWaitMs' | 'headersTimeoutMs' | 'bodyTimeoutMs'>
  > = {},
): EntrataClients & { close(): Promise<void> } {
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
          ...tuning,
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
