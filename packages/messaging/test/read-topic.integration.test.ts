import { randomUUID } from 'node:crypto';
import { topics } from '@autoverify/contracts';
import { type TestKafka, testKafka } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, type KafkaClient } from '../src/index.ts';
import { recordingLogger } from './support.ts';

describe('KafkaClient.readTopic', () => {
  let tk: TestKafka;
  let kafka: KafkaClient;
  let topic: string;
  const key = randomUUID(); // one key: every message on one partition, in order

  beforeAll(async () => {
    tk = await testKafka({ prefix: 'readtopic' });
    kafka = createKafka({
      brokers: tk.brokers,
      clientId: 'read-test',
      namespace: tk.namespace,
      logger: recordingLogger(),
    });
    await ensureTopics(kafka, [topics.reminders]);
    topic = kafka.topicName(topics.reminders);
    await kafka.publishRaw(
      [0, 1, 2, 3, 4].map((n) => ({ topic, key, value: `m${n}`, headers: { 'x-n': String(n) } })),
    );
  });

  afterAll(async () => {
    await kafka?.disconnect();
    await tk?.cleanup();
  });

  it('reads everything up to the high watermark, with keys and headers', async () => {
    const all = await kafka.readTopic(topic);
    expect(all.map((m) => m.value?.toString())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(all[2]).toMatchObject({ topic, key, headers: { 'x-n': '2' } });
    expect(new Set(all.map((m) => m.partition)).size).toBe(1);
  });

  it('reads one message at an offset, or the last few', async () => {
    const [first] = await kafka.readTopic(topic);
    const partition = first?.partition ?? 0;
    const one = await kafka.readTopic(topic, { partition, fromOffset: '3', maxMessages: 1 });
    expect(one.map((m) => [m.offset, m.value?.toString()])).toEqual([['3', 'm3']]);
    const last = await kafka.readTopic(topic, { last: 2 });
    expect(last.map((m) => m.value?.toString())).toEqual(['m3', 'm4']);
    expect(await kafka.readTopic(topic, { partition, fromOffset: '99' })).toEqual([]);
  });
});
