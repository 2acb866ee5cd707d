/**
 * kafkajs's idempotent producer loses track of its sequence numbers when the broker refuses part of a batch
 * (MESSAGE_TOO_LARGE): every later send then failed with OUT_OF_ORDER_SEQUENCE_NUMBER. The client starts a
 * new producer after a failed send, so the outbox relay can go on once it has set the bad row aside.
 */
import { randomUUID } from 'node:crypto';
import { topics } from '@autoverify/contracts';
import { type TestKafka, testKafka } from '@autoverify/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafka, ensureTopics, type KafkaClient } from '../src/index.ts';
import { recordingLogger } from './support.ts';

let tk: TestKafka;
let kafka: KafkaClient;
let topic: string;

beforeAll(async () => {
  tk = await testKafka({ prefix: 'refusal' });
  kafka = createKafka({
    brokers: tk.brokers,
    clientId: 'refusal-test',
    namespace: tk.namespace,
    logger: recordingLogger(),
  });
  await ensureTopics(kafka, [topics.applications]);
  topic = kafka.topicName(topics.applications);
});

afterAll(async () => {
  await kafka?.disconnect();
  await tk?.cleanup();
});

it('publishes again after the broker refused a message larger than max.message.bytes', async () => {
  const [small, large] = [randomUUID(), randomUUID()];
  await expect(
    kafka.publishRaw([
      { topic, key: small, value: 'before' },
      // Above the broker's default max.message.bytes (1,048,588).
      { topic, key: large, value: 'x'.repeat(1_200_000) },
    ]),
  ).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
  await kafka.publishRaw([{ topic, key: small, value: 'after' }]);
  await kafka.publishRaw([{ topic, key: large, value: 'small now' }]);
  const values = (await kafka.readTopic(topic)).map((m) => m.value?.toString());
  expect(values).toEqual(expect.arrayContaining(['after', 'small now']));
});
