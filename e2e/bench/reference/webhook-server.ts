/**
 * The reference for ingest's webhook: the least a server can do for the same promise. Fastify, the
 * X-Entrata-Signature HMAC check, one INSERT of the event id (ON CONFLICT DO NOTHING: 202 new, 200
 * duplicate), nothing else. Run as its own process, like ingest, by reference-webhook.ts:
 * `node webhook-server.ts <port> <database url> <secret>`; prints "listening" when ready.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const [port, databaseUrl, secret] = process.argv.slice(2);
if (!port || !databaseUrl || !secret) {
  console.error('usage: node webhook-server.ts <port> <database url> <secret>');
  process.exit(2);
}

// Ingest's pool size (Prisma's pg adapter default is 10 too).
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS webhooks (event_id text PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())',
);

const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

function signed(header: string | undefined, rawBody: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret as string)
    .update(`${match[1]}.${rawBody}`)
    .digest();
  return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
}

app.post('/webhooks/entrata/:tenant', async (request, reply) => {
  const raw = request.body as string;
  if (!signed(request.headers['x-entrata-signature'] as string | undefined, raw))
    return reply.code(401).send({ title: 'bad signature' });
  const body = JSON.parse(raw) as { eventId?: string };
  if (typeof body.eventId !== 'string') return reply.code(400).send({ title: 'no eventId' });
  const { rowCount } = await pool.query(
    'INSERT INTO webhooks (event_id, body) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING',
    [body.eventId, raw],
  );
  return reply.code(rowCount === 1 ? 202 : 200).send({ eventId: body.eventId });
});

await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log('listening');
const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
