/**
 * Customer isolation: each tenant's client calls only that tenant's Entrata with that tenant's credentials,
 * whatever order tenants are used in. A report for tenant A can therefore never reach Entrata with B's key.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createLogger } from '@autoverify/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entrataClientsPerTenant } from '../src/index.ts';

const logger = createLogger({ service: 'entrata-client-test', level: 'silent' });
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
const server = createServer((req, res) => {
  seen.push({ path: req.url ?? '', headers: req.headers });
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ response: { requestId: '1', code: 200, result: { prospects: { prospect: [] } } } }),
    );
  });
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SECRETS: Record<string, string> = { A_KEY: 'key-of-a', B_PASSWORD: 'password-of-b' };
const tenants = {
  require(id: string) {
    if (id === 'a')
      return {
        entrata: {
          baseUrl: `${base}/ext/orgs/org-a/v1`,
          auth: { type: 'apikey' as const, apiKey: { env: 'A_KEY' } },
          propertyIds: ['1'],
          requestsPerMinute: 600,
        },
      };
    if (id === 'b')
      return {
        entrata: {
          baseUrl: `${base}/legacy/org-b/api/v1`,
          auth: { type: 'basic' as const, username: 'user-b', password: { env: 'B_PASSWORD' } },
          propertyIds: ['2'],
          requestsPerMinute: 600,
        },
      };
    throw new Error(`unknown tenant ${id}`);
  },
  secret: (ref: { env: string } | { file: string }) => SECRETS['env' in ref ? ref.env : ''] ?? '',
};

describe('entrataClientsPerTenant', () => {
  it("calls each tenant's own Entrata with its own credentials only", async () => {
    const clients = entrataClientsPerTenant(tenants, logger, { maxAttempts: 1 });
    try {
      for (const tenant of ['a', 'b', 'a', 'b']) await clients.forTenant(tenant).getLeads({ propertyId: 1 });
      expect(clients.forTenant('a')).toBe(clients.forTenant('a'));
      expect(clients.forTenant('a')).not.toBe(clients.forTenant('b'));
      const a = seen.filter((r) => r.path.startsWith('/ext/orgs/org-a/'));
      const b = seen.filter((r) => r.path.startsWith('/legacy/org-b/'));
      expect(a).toHaveLength(2);
      expect(b).toHaveLength(2);
      for (const r of a) {
        expect(r.headers['x-api-key']).toBe('key-of-a');
        expect(r.headers.authorization).toBeUndefined();
      }
      const basicB = `Basic ${Buffer.from('user-b:password-of-b').toString('base64')}`;
      for (const r of b) {
        expect(r.headers.authorization).toBe(basicB);
        expect(r.headers['x-api-key']).toBeUndefined();
      }
      expect(() => clients.forTenant('c')).toThrow(/unknown tenant c/);
    } finally {
      await clients.close();
    }
  });
});
