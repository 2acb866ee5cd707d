import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

describe('right after ensureTopics returns', () => {
  // The race seen before: metadata already named a leader, but a produce right then failed with
  // "This server is not the leader for that topic-partition". kafkajs' retries would hide it, so the
  // producer here retries nothing: every partition of every new topic must take a message at once.
  it('every partition of every created topic takes a produce without retries', async () => {
    for (let round = 0; round < 3; round++) {
      const tk = await testKafka({ prefix: 'leaders' });
      const kafka = createKafka({
        brokers: tk.brokers,
        clientId: 'leaders-test',
        namespace: tk.namespace,
        logger: recordingLogger(),
      });
      const raw = new Kafka({ brokers: tk.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
      const producer = raw.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
      try {
        const created = await ensureTopics(kafka);
        expect(created).toHaveLength(allTopics().length);
        await producer.connect();
        await producer.sendBatch({
          acks: -1,
          topicMessages: allTopics().map((t) => ({
            topic: kafka.topicName(t),
            messages: Array.from({ length: t.partitions }, (_, partition) => ({ partition, value: 'x' })),
          })),
        });
      } finally {
        await producer.disconnect();
        await kafka.disconnect();
        await tk.cleanup();
      }
    }
  }, 180_000);
});

describe('topic settings for a replicated cluster', () => {
  it('sets min.insync.replicas when asked and refuses one above the replication factor', async () => {
    const tk = await testKafka({ prefix: 'isr' });
    const kafka = createKafka({
      brokers: tk.brokers,
      clientId: 'isr',
      namespace: tk.namespace,
      logger: recordingLogger(),
    });
    const admin = new Kafka({ brokers: tk.brokers, logLevel: logLevel.NOTHING }).admin();
    try {
      await expect(
        ensureTopics(kafka, [topics.invites], { replicationFactor: 1, minInsyncReplicas: 2 }),
      ).rejects.toThrow(/min.insync.replicas 2 must be between 1 and the replication factor 1/);
      await ensureTopics(kafka, [topics.invites], { replicationFactor: 1, minInsyncReplicas: 1 });
      await admin.connect();
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: kafka.topicName(topics.invites),
            configNames: ['min.insync.replicas'],
          },
        ],
      });
      expect(resources[0]?.configEntries[0]).toMatchObject({ configValue: '1', isDefault: false });
    } finally {
      await admin.disconnect();
      await kafka.disconnect();
      await tk.cleanup();
    }
  }, 60_000);
});

describe('the create-topics CLI (compose service, dev Job)', () => {
  const cli = fileURLToPath(new URL('../src/create-topics-cli.ts', import.meta.url));
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [cli], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('creates the registry topics from the environment, then finds them there', async () => {
    const tk = await testKafka({ prefix: 'cli' });
    try {
      const env = {
        KAFKA_BROKERS: tk.brokers.join(','),
        KAFKA_NAMESPACE: tk.namespace,
        KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '1',
      };
      const first = run(env);
      expect(first.status).toBe(0);
      expect(first.stdout).toContain(`create-topics: ${allTopics().length} created, 0 already there`);
      const second = run(env);
      expect(second.status).toBe(0);
      expect(second.stdout).toContain(`create-topics: 0 created, ${allTopics().length} already there`);
    } finally {
      await tk.cleanup();
    }
  }, 180_000);

  it('exits 2 with every configuration problem listed', () => {
    const result = run({
      KAFKA_BROKERS: 'no-port',
      KAFKA_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
      KAFKA_SASL_USERNAME: 'ingest',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('KAFKA_BROKERS[0]: must be host:port (got "no-port")');
    const second = run({
      KAFKA_BROKERS: 'k:9092',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
      KAFKA_SASL_USERNAME: 'ingest',
    });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(
      'KAFKA_TOPIC_MIN_INSYNC_REPLICAS: must be <= KAFKA_TOPIC_REPLICATION_FACTOR (1)',
    );
  });
});
