import { createLogger } from '@autoverify/logger';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import { createTestDatabase, type TestDatabase, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEntrataClient,
  type EntrataRateLimiter,
  type SharedRateLimits,
  sharedRateLimits,
} from '../src/index.ts';

const logger = createLogger({ service: 'entrata-client-test', level: 'silent' });
const PROPERTY = 100200;
/** The sandbox's Entrata allows this many calls per minute per service and credential. */
const PER_MINUTE = 20;
const CALLS_PER_REPLICA = 15;

/** A clock the guard test moves by hand; sleeping advances it. */
const fake = { now: 0, slept: [] as number[] };
const fakeClock = {
  now: () => fake.now,
  sleep: async (ms: number) => {
    fake.slept.push(ms);
    fake.now += ms;
  },
};

let sandbox: Sandbox;
let database: TestDatabase;
const replicas: SharedRateLimits[] = [];

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, smtpPort: 0, logLevel: 'silent' });
  database = await createTestDatabase('entrata_rate_limit');
  await control('PUT', '/entrata/orgs/acme', {
    tenantId: 'acme',
    apiKey: 'acme-key',
    rateLimitPerMinute: PER_MINUTE,
    webhook: { mode: 'hmac', secret: 'whsec' },
    properties: [
      {
        propertyId: PROPERTY,
        name: 'Elm Court',
        address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
      },
    ],
  });
});
afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await sandbox?.stop();
  await database?.drop();
});

describe('sharedRateLimits (one Entrata budget across replicas, in PostgreSQL)', () => {
  it('two replicas together stay within Entrata limit (no 429) and use all of it', async () => {
    // Two "replicas": each its own pool, limiter and client, sharing only the database.
    const admitted: number[] = [];
    const clients = [];
    for (let i = 0; i < 2; i++) {
      const limits = await sharedRateLimits({ connectionString: database.url, onPoolError: () => {} });
      replicas.push(limits);
      const inner = limits.limiter(PER_MINUTE, 120_000);
      const recording: EntrataRateLimiter = {
        acquire: async (key) => {
          await inner.acquire(key);
          admitted.push(Date.now());
        },
        observe: (key, windows) => inner.observe(key, windows),
        block: (key, ms) => inner.block(key, ms),
      };
      clients.push(
        createEntrataClient({
          baseUrl: `${sandbox.url}/ext/orgs/acme/v1`,
          auth: { type: 'apikey', apiKey: 'acme-key' },
          tenantId: 'acme',
          requestsPerMinute: PER_MINUTE,
          logger,
          // One attempt: a 429 from the sandbox would fail the call instead of being retried away.
          maxAttempts: 1,
          maxWaitMs: 120_000,
          rateLimiter: recording,
        }),
      );
    }
    try {
      // The burst starts with 15 s of its clock minute left at least, so the first window is one the burst
      // can fill (a window only fills short when the limiter under-admits, which this test is there to see).
      await waitFor(() => Date.now() % 60_000 < 45_000);
      const results = await Promise.allSettled(
        clients.flatMap((client) =>
          Array.from({ length: CALLS_PER_REPLICA }, () => client.getLeads({ propertyId: PROPERTY })),
        ),
      );
      // Zero self-caused 429s: every call of both replicas was answered.
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      // 30 calls against 20 per minute: the first clock minute served is full, the rest waits for the next.
      const perWindow = new Map<number, number>();
      for (const at of admitted) {
        const window = Math.floor(at / 60_000);
        perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
      }
      const counts = [...perWindow.entries()].sort(([a], [b]) => a - b).map(([, n]) => n);
      expect(Math.max(...counts)).toBeLessThanOrEqual(PER_MINUTE);
      expect(counts[0]).toBeGreaterThanOrEqual(Math.ceil(PER_MINUTE * 0.9));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(2 * CALLS_PER_REPLICA);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
  it("admits a call in a window's last 2 s at once, counting it in that window and the next", async () => {
    const limits = await sharedRateLimits({
      connectionString: database.url,
      clock: fakeClock,
      onPoolError: () => {},
    });
    replicas.push(limits);
    const limiter = limits.limiter(3, 120_000);
    // A window far from the others' keys, 1 s before its end.
    const window = 1_000_000 + Math.floor(Math.random() * 1_000_000);
    fake.now = (window + 1) * 60_000 - 1_000;
    await limiter.acquire('guard');
    expect(fake.slept).toEqual([]);
    // The next minute has 2 of its 3 calls left: the fourth call of that minute waits for the one after.
    fake.now = (window + 1) * 60_000 + 500;
    await limiter.acquire('guard');
    await limiter.acquire('guard');
    expect(fake.slept).toEqual([]);
    await limiter.acquire('guard');
    expect(fake.slept).toEqual([59_500]);
  });
});
