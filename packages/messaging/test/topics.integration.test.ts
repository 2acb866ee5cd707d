import { allTopics, deadLetterTopic, topics } from '@autoverify/contracts';
import { type TestKafka, testKafka } from '@autoverify/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, type KafkaClient } from '../src/index.ts';
import { recordingLogger } from './support.ts';

describe('ensureTopics', () => {
  let tk: TestKafka;
  let kafka: KafkaClient;

  beforeAll(async () => {
    tk = await testKafka({ prefix: 'topics' });
    kafka = createKafka({
      brokers: tk.brokers,
      clientId: 'topics-test',
      namespace: tk.namespace,
      logger: recordingLogger(),
    });
  });

  afterAll(async () => {
    await kafka?.disconnect();
    await tk?.cleanup();
  });

  it('creates every registry topic, namespaced, with its partitions and retention; then nothing more', async () => {
    const created = await ensureTopics(kafka);
    expect(created.sort()).toEqual(
      allTopics()
        .map((t) => `${tk.namespace}.${t.name}`)
        .sort(),
    );
    expect(await ensureTopics(kafka)).toEqual([]);

    const admin = new Kafka({ brokers: tk.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const names = [kafka.topicName(topics.applications), kafka.topicName(deadLetterTopic('invite'))];
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      expect(Object.fromEntries(metadata.map((t) => [t.name, t.partitions.length]))).toEqual({
        [names[0] as string]: topics.applications.partitions,
        [names[1] as string]: 1,
      });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['retention.ms'],
        })),
      });
      const retention = Object.fromEntries(
        configs.resources.map((r) => [
          r.resourceName,
          r.configEntries.find((c) => c.configName === 'retention.ms')?.configValue,
        ]),
      );
      expect(retention).toEqual({
        [names[0] as string]: String(topics.applications.retentionMs),
        [names[1] as string]: String(deadLetterTopic('invite').retentionMs),
      });
    } finally {
      await admin.disconnect();
    }
  });

  it("deletes a namespace's consumer groups once their consumers have stopped", async () => {
    await ensureTopics(kafka, [topics.reminders]);
    const groupId = `${tk.namespace}.groups-test`;
    const consumer = await kafka.consume({
      groupId,
      topics: [kafka.topicName(topics.reminders)],
      onMessage: async () => {},
    });
    await consumer.stop();
    expect(await kafka.deleteGroups(`${tk.namespace}.`)).toEqual([]);
    const admin = new Kafka({ brokers: tk.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
    } finally {
      await admin.disconnect();
    }
  });

  it('rejects a namespace that is not a valid topic name part', () => {
    expect(() =>
      createKafka({ brokers: tk.brokers, clientId: 'x', namespace: 'no spaces', logger: recordingLogger() }),
    ).toThrow(/invalid Kafka namespace "no spaces"/);
  });
});

describe('subscribing to a missing topic', () => {
  it('fails with a message that names the topic and the fix', async () => {
    const tk = await testKafka({ prefix: 'missing' });
    const kafka = createKafka({
      brokers: tk.brokers,
      clientId: 'missing-test',
      namespace: tk.namespace,
      logger: recordingLogger(),
    });
    try {
      await expect(
        kafka.consume({
          groupId: `${tk.namespace}.x`,
          topics: [`${tk.namespace}.nope`],
          onMessage: async () => {},
        }),
      ).rejects.toThrow(
        new RegExp(`cannot subscribe ${tk.namespace}\\.x to ${tk.namespace}\\.nope: .*ensureTopics`),
      );
    } finally {
      await kafka.disconnect();
      await tk.cleanup();
    }
  });
});
