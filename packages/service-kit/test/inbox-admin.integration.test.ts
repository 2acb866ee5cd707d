import { randomUUID } from 'node:crypto';
import { createLogger } from '@autoverify/logger';
import { messagingTablesSql, pgTransactions } from '@autoverify/messaging';
import { createTestDatabase } from '@autoverify/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxAdminRoutes } from '../src/inbox-admin.ts';
import { createHttpServer, type HttpServer } from '../src/index.ts';

const logger = createLogger({ service: 'inbox-admin-test', level: 'silent' });
const TOKEN = 'inbox-admin-test-token';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let app: HttpServer;
const processed = [randomUUID(), randomUUID()];
const otherConsumers = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase('service_kit_inbox');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query(messagingTablesSql);
  for (const id of processed)
    await pool.query(
      `INSERT INTO inbox (consumer, event_id, event_type) VALUES ('invite', $1, 'ApplicationSubmitted')`,
      [id],
    );
  // Processed by another consumer in the same database: not this consumer's.
  await pool.query(
    `INSERT INTO inbox (consumer, event_id, event_type) VALUES ('reminder', $1, 'InviteSent')`,
    [otherConsumers],
  );
  app = createHttpServer({ logger });
  await inboxAdminRoutes(app, {
    realm: 'invite admin',
    tokens: [TOKEN, undefined],
    consumer: 'invite',
    sql: pgTransactions(pool).sql(),
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
  await db?.drop();
});

const ask = (body: unknown, token = TOKEN) =>
  app.inject({
    method: 'POST',
    url: '/admin/inbox/processed',
    headers: { authorization: `Bearer ${token}` },
    payload: body as object,
  });

describe('POST /admin/inbox/processed', () => {
  it("answers which of the given events this consumer has in its inbox, and only this consumer's", async () => {
    const unseen = randomUUID();
    const response = await ask({ eventIds: [processed[0], unseen, processed[1], otherConsumers] });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { consumer: string; processed: string[] };
    expect(body.consumer).toBe('invite');
    expect([...body.processed].sort()).toEqual([...processed].sort());
    expect((await ask({ eventIds: [] })).json()).toEqual({ consumer: 'invite', processed: [] });
  });

  it('refuses what is not a bounded list of event ids with a problem, and callers without the token', async () => {
    for (const body of [
      {},
      { eventIds: ['not-a-uuid'] },
      { eventIds: Array.from({ length: 1001 }, () => randomUUID()) },
    ]) {
      const response = await ask(body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect((await ask({ eventIds: [] }, 'wrong')).statusCode).toBe(403);
  });

  it('does not exist without an admin token', async () => {
    const closed = createHttpServer({ logger });
    await inboxAdminRoutes(closed, {
      realm: 'x',
      tokens: [undefined],
      consumer: 'invite',
      sql: pgTransactions(pool).sql(),
    });
    await closed.ready();
    expect(
      (await closed.inject({ method: 'POST', url: '/admin/inbox/processed', payload: { eventIds: [] } }))
        .statusCode,
    ).toBe(404);
    await closed.close();
  });
});
