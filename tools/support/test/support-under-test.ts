/**
 * Support running for real (Kafka, PostgreSQL, its consumer) for the integration tests of its admin API,
 * CLI and web pages: two people's tokens, a stand-in for the services' admin APIs that records what support
 * forwards, and a stand-in "invite" consumer with an inbox (as every service has, and its answer to support's
 * question which events it processed), so replays and redrives can be seen to do, or not do, work.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ApplicationSubmitted } from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import {
  handle,
  messagingTablesSql,
  PermanentError,
  pgTransactions,
  processedEventIds,
  type Sql,
  startConsumer,
} from '@autoverify/messaging';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest } from '@autoverify/service-testing';
import { createTestDatabase } from '@autoverify/testing';
import pg from 'pg';
import type { Tx } from '../src/db.ts';
import { sha256Hex } from '../src/domain/tokens.ts';
import { supportService } from '../src/service.ts';

export const TENANT = 'acme-homes';
/** alice may do everything, bob may only read timelines. */
export const tokens = {
  admin: 'admin-token-0123456789abcdef',
  reader: 'reader-token-0123456789abcdef',
};
/** What support sends to each service's admin API, and its own (service-kit's set-aside outbox rows). */
export const adminTokens = {
  reportSync: 'report-sync-admin-token-0123',
  invite: 'invite-admin-token-0123456789',
  notify: 'notify-admin-token-0123456789',
  own: 'support-own-admin-token-01234',
};

export interface Forwarded {
  auth: string | undefined;
  key: string | undefined;
  url: string | undefined;
  body: unknown;
}

export interface SupportUnderTest {
  h: ServiceUnderTest<RunningService<Tx>>;
  /** Every request support made to the services' admin APIs (the stand-in answers POSTs with 202). */
  forwarded: Forwarded[];
  /** The stand-in consumer's database (tables inbox and effects). */
  pool: pg.Pool;
  /** How often the stand-in consumer has done the work of an event (0 or 1 when inboxes work). */
  effects(eventId: string): Promise<number>;
  /**
   * "The fix is deployed": until then the stand-in consumer dead-letters every ApplicationSubmitted whose
   * Entrata application id starts with "poison".
   */
  fixPoison(): void;
}

export async function startSupportUnderTest(
  options: {
    /** What the admin API stand-in answers to GETs (e.g. GET /admin/outbox/failed). */
    getAnswer?: unknown;
    logger?: Logger;
    env?: Record<string, string>;
  } = {},
): Promise<SupportUnderTest> {
  const forwarded: Forwarded[] = [];
  // The stand-in invite's inbox (below): what service-kit's POST /admin/inbox/processed reads.
  let inviteInbox: Sql | undefined;
  const standIn = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      if (req.url === '/admin/inbox/processed') {
        // Only invite has an inbox here; the other services behind this stand-in do not answer.
        if (req.headers.authorization !== `Bearer ${adminTokens.invite}` || !inviteInbox)
          return void res.writeHead(503).end();
        const processed = await processedEventIds(inviteInbox, 'invite', JSON.parse(body).eventIds);
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ consumer: 'invite', processed }));
      }
      forwarded.push({
        auth: req.headers.authorization,
        key: req.headers['idempotency-key'] as string | undefined,
        url: req.url,
        body: body ? JSON.parse(body) : undefined,
      });
      if (req.method === 'GET')
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(options.getAnswer ?? {}));
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'queued' }));
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const standInUrl = `http://127.0.0.1:${(standIn.address() as { port: number }).port}`;
  const h = await startServiceUnderTest(supportService, {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    ...(options.logger ? { logger: options.logger } : { logLevel: 'warn' }),
    env: {
      SUPPORT_TOKENS: JSON.stringify([
        {
          name: 'alice',
          sha256: sha256Hex(tokens.admin),
          scopes: ['timeline:read', 'pii:read', 'replay', 'dlq', 'rerun', 'audit:read', 'erase'],
        },
        { name: 'bob', sha256: sha256Hex(tokens.reader), scopes: ['timeline:read'] },
      ]),
      REPORT_SYNC_URL: standInUrl,
      REPORT_SYNC_ADMIN_TOKEN: adminTokens.reportSync,
      INVITE_URL: standInUrl,
      INVITE_ADMIN_TOKEN: adminTokens.invite,
      NOTIFY_URL: standInUrl,
      NOTIFY_ADMIN_TOKEN: adminTokens.notify,
      // service-kit's own admin routes (set-aside outbox rows) on the console itself.
      ADMIN_TOKEN: adminTokens.own,
      ...options.env,
    },
  });
  h.onStop('admin API stand-in', () => {
    standIn.close();
  });

  const downstreamDb = await createTestDatabase('support_downstream');
  h.onStop('downstream database', () => downstreamDb.drop());
  const pool = new pg.Pool({ connectionString: downstreamDb.url, max: 4 });
  h.onStop('downstream pool', () => pool.end());
  await pool.query(`${messagingTablesSql} CREATE TABLE effects (event_id uuid NOT NULL);`);
  inviteInbox = pgTransactions(pool).sql();
  let poisonFixed = false;
  const downstream = await startConsumer<pg.PoolClient>({
    kafka: h.kafka,
    service: 'invite',
    topics: ['applications'],
    transactions: pgTransactions(pool),
    logger: h.logger,
    retry: { attempts: 1, initialMs: 10, maxMs: 10 },
    handlers: [
      handle(ApplicationSubmitted, async (e, tx: pg.PoolClient) => {
        if (e.payload.entrataApplicationId.startsWith('poison') && !poisonFixed)
          throw new PermanentError('applicant data cannot be processed');
        await tx.query('INSERT INTO effects (event_id) VALUES ($1)', [e.id]);
      }),
    ],
  });
  h.onStop('downstream consumer', () => downstream.stop());

  return {
    h,
    forwarded,
    pool,
    effects: async (eventId) =>
      Number(
        (await pool.query('SELECT count(*) AS n FROM effects WHERE event_id = $1', [eventId])).rows[0].n,
      ),
    fixPoison: () => {
      poisonFixed = true;
    },
  };
}
