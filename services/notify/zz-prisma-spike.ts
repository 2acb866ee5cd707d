// temporary spike by the messaging engineer: not committed
import { ApplicationSubmitted, topics } from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import { createKafka, ensureTopics, Outbox, prismaTransactions, startOutboxRelay } from '@autoverify/messaging';
import { migrateTestDatabase, readTopic, testKafka } from '@autoverify/testing';
import { PrismaClient, type Tx } from './src/db.ts';

const db = await migrateTestDatabase('.');
const prisma = new PrismaClient({ adapter: createPrismaAdapter(db.url) });
const tk = await testKafka({ prefix: 'prisma' });
const logger = { debug() {}, info() {}, warn: console.warn, error: console.error, child() { return logger; } } as any;
const kafka = createKafka({ brokers: tk.brokers, clientId: 'x', namespace: tk.namespace, logger });
try {
  await ensureTopics(kafka, [topics.applications]);
  const transactions = prismaTransactions<Tx>(prisma);
  const outbox = new Outbox(transactions);
  const id = crypto.randomUUID();
  await transactions.run((tx) => outbox.add(tx, ApplicationSubmitted, { ...ApplicationSubmitted.example, applicationId: id }, { tenantId: 'acme', correlationId: id }));
  const relay = await startOutboxRelay({ kafka, transactions, logger, pollMs: 50 });
  console.log('flushed', await relay.flush());
  await relay.stop();
  console.log(await prisma.$queryRawUnsafe('SELECT id, published_at FROM outbox'));
  console.log('kafka', (await readTopic(tk.brokers, kafka.topicName(topics.applications))).length);
  const r = await transactions.run((tx) => transactions.sql(tx).query('INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2::uuid, $3) ON CONFLICT DO NOTHING RETURNING event_id', ['c', id, 'X']));
  const r2 = await transactions.run((tx) => transactions.sql(tx).query('INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2::uuid, $3) ON CONFLICT DO NOTHING RETURNING event_id', ['c', id, 'X']));
  console.log('inbox', r, r2);
  await prisma.outboxMessage.updateMany({ data: { publishedAt: new Date(Date.now() - 9 * 86400e3) } });
  const relay2 = await startOutboxRelay({ kafka, transactions, logger, pollMs: 50 });
  await new Promise((r) => setTimeout(r, 300));
  await relay2.stop();
  console.log('after purge', await prisma.outboxMessage.count());
} finally {
  await kafka.disconnect();
  await prisma.$disconnect();
  await db.drop();
  await tk.cleanup();
}
