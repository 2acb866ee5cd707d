import { Writable } from 'node:stream';
import { deadLetterTopic } from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import { createKafka, ensureTopics, type KafkaClient } from '@autoverify/messaging';
import { type TestKafka, testKafka } from '@autoverify/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addLivenessCheck, consumerLivenessCheck, createHttpServer, type HttpServer } from '../src/index.ts';

// /health/live with a real Kafka consumer behind it: it fails only when the consumer stopped for good.
describe('liveness of a Kafka consumer', () => {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'probes-test',
    level: 'info',
    destination: new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  const topic = deadLetterTopic('probes');
  let tk: TestKafka;
  let kafka: KafkaClient;
  let app: HttpServer;

  beforeEach(async () => {
    lines.length = 0;
    tk = await testKafka({ prefix: 'probes' });
    kafka = createKafka({ brokers: tk.brokers, clientId: 'probes', namespace: tk.namespace, logger });
    await ensureTopics(kafka, [topic]);
    app = createHttpServer({ logger });
  });
  afterEach(async () => {
    await app?.close();
    await kafka?.disconnect();
    await tk?.cleanup();
  });

  const live = async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };

  async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
    // kafkajs retries a failing message 5 times with backoff (about 10 s) before it crashes; 90 s leaves
    // room for a loaded machine.
    const deadline = Date.now() + 90_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function consumeFailing(error: () => Error) {
    const subscription = await kafka.consume({
      groupId: kafka.groupId('probes'),
      topics: [kafka.topicName(topic)],
      maxWaitMs: 200,
      onMessage: async () => {
        throw error();
      },
    });
    addLivenessCheck(
      app,
      'consumer',
      consumerLivenessCheck(() => subscription),
    );
    expect((await live()).status).toBe(200);
    await kafka.publishRaw([{ topic: kafka.topicName(topic), key: 'k', value: 'poison' }]);
  }

  it('fails once the consumer crashed with an error it does not restart after', async () => {
    // What the client does on, e.g., TOPIC_AUTHORIZATION_FAILED: a non-retriable error stops it for good.
    await consumeFailing(() => Object.assign(new Error('not authorized (stand-in)'), { retriable: false }));
    await until('/health/live to fail', async () => (await live()).status === 503);
    expect((await live()).body).toMatchObject({
      type: 'urn:problem:not-live',
      checks: { consumer: expect.stringContaining('the Kafka consumer stopped for good: not authorized') },
    });
  }, 120_000);

  it('stays live while the client restarts the consumer after a retriable error', async () => {
    await consumeFailing(() => new Error('database timed out (retriable)'));
    await until('the client to restart the consumer', () =>
      lines.some((line) => line.includes('Restarting the consumer')),
    );
    expect((await live()).status).toBe(200);
  }, 120_000);
});
