import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@autoverify/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntrataClient, EntrataError } from '../src/index.ts';

// A server that answers every call with a body of `size` bytes, streamed without Content-Length so the cap
// is enforced on what is read, not on a declared size.
let server: Server;
let size = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    for await (const _ of req);
    requests++;
    const result = JSON.stringify({ response: { code: 200, result: { prospects: { prospect: [] } } } });
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.write(`${result.slice(0, -1)},"pad":"`);
    res.end(`${'x'.repeat(size)}"}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterAll(() => server.close());

describe('response size cap', () => {
  it('refuses an answer over maxResponseBytes with a non-retryable response_too_large error', async () => {
    const { port } = server.address() as AddressInfo;
    const client = createEntrataClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      auth: { type: 'apikey', apiKey: 'key' },
      tenantId: 'acme',
      requestsPerMinute: 600,
      logger: createLogger({ service: 'entrata-client-test', level: 'silent' }),
      backoff: { baseMs: 1, maxMs: 5 },
      maxResponseBytes: 8192,
    });
    try {
      size = 100;
      await expect(client.getLeads({ propertyId: 1 })).resolves.toEqual([]);

      size = 100_000;
      requests = 0;
      const error = await client.getLeads({ propertyId: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EntrataError);
      expect(error).toMatchObject({ kind: 'response_too_large', retryable: false });
      expect((error as Error).message).toContain('response size cap');
      expect(requests).toBe(1);
    } finally {
      await client.close();
    }
  });
});
