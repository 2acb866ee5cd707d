import { randomBytes, randomUUID } from 'node:crypto';
import { type EventKeyring, parseKeyring } from '@autoverify/config';
import { ApplicationSubmitted, deadLetterTopic, topics } from '@autoverify/contracts';
import { messageJson, waitFor } from '@autoverify/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEvent,
  createKafka,
  ENCRYPTION_HEADER,
  handle,
  type KafkaClient,
  Outbox,
  publishEvent,
  type RunningConsumer,
  startConsumer,
  startOutboxRelay,
} from '../src/index.ts';
import { type Harness, startHarness } from './support.ts';

const SERVICE = 'sealed-svc';
const key = () => randomBytes(32).toString('base64');
const ring = (json: object): EventKeyring => {
  const parsed = parseKeyring(JSON.stringify(json));
  if (!parsed.keyring) throw new Error(parsed.problems.join('; '));
  return parsed.keyring;
};

describe('events sealed on Kafka with the tenant keyring', () => {
  let h: Harness;
  let consumer: RunningConsumer;
  const oldKey = key();
  const newKey = key();
  // The consumer holds both keys (rotation in progress); producers seal with their current one.
  const consumerRing = ring({ tenants: { acme: { current: 'k2', keys: { k1: oldKey, k2: newKey } } } });
  const clients: KafkaClient[] = [];
  const client = (keyring?: EventKeyring) => {
    const made = createKafka({
      brokers: h.testKafka.brokers,
      clientId: 'sealed-tests',
      namespace: h.testKafka.namespace,
      logger: h.logger,
      ...(keyring ? { keyring } : {}),
    });
    clients.push(made);
    return made;
  };
  const handled: string[] = [];
  const event = (email: string) => {
    const applicationId = randomUUID();
    const payload = structuredClone(ApplicationSubmitted.example);
    payload.applicationId = applicationId;
    for (const applicant of payload.applicants) applicant.email = email;
    return buildEvent(ApplicationSubmitted, payload, { tenantId: 'acme', correlationId: applicationId });
  };
  // A client without the keyring reads the bytes as they are on the broker.
  const raw = async (topic: string) =>
    (await client().readTopic(topic)).map((m) => ({ ...m, json: messageJson(m.value) }));

  beforeAll(async () => {
    h = await startHarness([topics.applications, deadLetterTopic(SERVICE)]);
    consumer = await startConsumer<pg.PoolClient>({
      kafka: client(consumerRing),
      service: SERVICE,
      topics: ['applications'],
      transactions: h.transactions,
      logger: h.logger,
      handlers: [
        handle(ApplicationSubmitted, async (e) => {
          handled.push(e.id);
        }),
      ],
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    for (const c of clients) await c.disconnect();
    await h?.close();
  });

  it('the relay publishes sealed bytes; the consumer opens them; the topic holds no contact data', async () => {
    const producer = client(consumerRing);
    const relay = await startOutboxRelay({ kafka: producer, pool: h.pool, logger: h.logger });
    const e = event('sealed.applicant@example.com');
    await h.transactions.run((tx) => new Outbox(h.transactions).addEvent(tx, e));
    relay.wake();
    await waitFor(() => handled.includes(e.id));
    await relay.stop();
    const stored = (await raw(producer.topicName(topics.applications))).find(
      (m) => m.headers['event-id'] === e.id,
    );
    expect(stored?.headers[ENCRYPTION_HEADER]).toBe('acme/k2');
    expect(stored?.value?.toString('latin1')).not.toContain('sealed.applicant@example.com');
    expect(stored?.json).toBeUndefined();
    // Tools read it through a client with the keyring: opened, without the encryption header.
    const read = (await producer.readTopic(producer.topicName(topics.applications))).find(
      (m) => m.headers['event-id'] === e.id,
    );
    expect(JSON.parse(read?.value?.toString() ?? '{}').id).toBe(e.id);
    expect(read?.headers[ENCRYPTION_HEADER]).toBeUndefined();
  });

  it('rotation: an event sealed with the previous key is still processed', async () => {
    const oldProducer = client(ring({ tenants: { acme: { current: 'k1', keys: { k1: oldKey } } } }));
    const e = event('old.key@example.com');
    await publishEvent(oldProducer, e);
    await waitFor(() => handled.includes(e.id));
  });

  it('forged events (not sealed, or sealed with a key we do not hold) go to the dead letters untouched', async () => {
    const dlq = h.kafka.topicName(deadLetterTopic(SERVICE));
    const plain = event('plain.forgery@example.com');
    await publishEvent(client(), plain);
    const foreign = event('foreign.key@example.com');
    await publishEvent(client(ring({ tenants: { acme: { current: 'k2', keys: { k2: key() } } } })), foreign);
    await waitFor(async () => (await raw(dlq)).length >= 2);
    const dead = await raw(dlq);
    const byId = (id: string) => dead.find((m) => m.headers['event-id'] === id);
    expect(byId(plain.id)?.headers['x-error']).toMatch(/not sealed/);
    expect(byId(foreign.id)?.headers['x-error']).toMatch(/forged or altered/);
    // The forged bytes are kept as they came (a sealed one stays sealed), never re-sealed with our key.
    expect(byId(foreign.id)?.headers[ENCRYPTION_HEADER]).toBe('acme/k2');
    expect(byId(plain.id)?.headers[ENCRYPTION_HEADER]).toBeUndefined();
    expect(handled).not.toContain(plain.id);
    expect(handled).not.toContain(foreign.id);
  });
});
