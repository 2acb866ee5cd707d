import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaConnectionFromEnv } from '@autoverify/config';
import { deadLetterTopic } from '@autoverify/contracts';
import { type ExtraBroker, startExtraBroker } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, type KafkaClient } from '../src/index.ts';
import { recordingLogger } from './support.ts';

// A broker of its own with a SASL_SSL (SCRAM-SHA-512) listener and an SSL listener that requires client
// certificates: the settings operators use in production, read from files as the services read them.
describe('Kafka over TLS with SASL/SCRAM and mTLS', () => {
  let broker: ExtraBroker;
  let secrets: string;
  const topic = deadLetterTopic('secure-test');

  beforeAll(async () => {
    broker = await startExtraBroker({
      secure: { users: [{ name: 'ingest', password: 'ingest-scram-secret' }] },
    });
    secrets = mkdtempSync(join(tmpdir(), 'kafka-secrets-'));
    writeFileSync(join(secrets, 'password'), 'ingest-scram-secret\n');
    writeFileSync(join(secrets, 'wrong'), 'not-the-password\n');
  }, 180_000);
  afterAll(() => broker?.stop());

  async function roundTrip(kafka: KafkaClient): Promise<string[]> {
    const received: string[] = [];
    try {
      await ensureTopics(kafka, [topic]);
      await kafka.publishRaw([{ topic: kafka.topicName(topic), key: 'k', value: 'secure hello' }]);
      let arrived: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      await kafka.consume({
        groupId: kafka.groupId('reader'),
        topics: [kafka.topicName(topic)],
        maxWaitMs: 200,
        onMessage: async (message) => {
          received.push(message.value?.toString() ?? '');
          arrived();
        },
      });
      // The first consumer group on a fresh broker waits for its offsets topic: seconds, more when loaded.
      await Promise.race([
        done,
        new Promise((_, reject) => setTimeout(() => reject(new Error('no message within 60 s')), 60_000)),
      ]);
      return received;
    } finally {
      await kafka.disconnect();
    }
  }

  it('produces and reads with SCRAM-SHA-512 over TLS, verifying the broker against the CA file', async () => {
    const security = kafkaConnectionFromEnv({
      KAFKA_SSL: true,
      KAFKA_SSL_CA_FILE: broker.files.ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ingest',
      KAFKA_SASL_PASSWORD_FILE: join(secrets, 'password'),
    });
    const kafka = createKafka({
      brokers: [broker.saslSsl],
      clientId: 'secure-test',
      namespace: 'scram',
      logger: recordingLogger(),
      ...security,
    });
    expect(await roundTrip(kafka)).toEqual(['secure hello']);
  }, 120_000);

  it('is refused with a wrong password', async () => {
    const kafka = createKafka({
      brokers: [broker.saslSsl],
      clientId: 'secure-test',
      namespace: 'scram-wrong',
      logger: recordingLogger(),
      connectionTimeoutMs: 10_000,
      ...kafkaConnectionFromEnv({
        KAFKA_SSL: true,
        KAFKA_SSL_CA_FILE: broker.files.ca,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'ingest',
        KAFKA_SASL_PASSWORD_FILE: join(secrets, 'wrong'),
      }),
    });
    await expect(kafka.listTopics()).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed|Authentication failed/i,
    );
    await kafka.disconnect();
  }, 120_000);

  it('refuses a broker whose certificate does not chain to the configured CA', async () => {
    const kafka = createKafka({
      brokers: [broker.saslSsl],
      clientId: 'secure-test',
      namespace: 'untrusted',
      logger: recordingLogger(),
      // TLS with the system's CAs: the test CA is not among them.
      ...kafkaConnectionFromEnv({
        KAFKA_SSL: true,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'ingest',
        KAFKA_SASL_PASSWORD_FILE: join(secrets, 'password'),
      }),
    });
    await expect(kafka.listTopics()).rejects.toThrow(
      /certificate|self.signed|unable to verify|Connection error/i,
    );
    await kafka.disconnect();
  }, 120_000);

  it('authenticates by client certificate (mTLS) and is refused without one', async () => {
    const withCert = createKafka({
      brokers: [broker.mtls],
      clientId: 'secure-test',
      namespace: 'mtls',
      logger: recordingLogger(),
      ...kafkaConnectionFromEnv({
        KAFKA_SSL: true,
        KAFKA_SSL_CA_FILE: broker.files.ca,
        KAFKA_SSL_CERT_FILE: broker.files.clientCert,
        KAFKA_SSL_KEY_FILE: broker.files.clientKey,
      }),
    });
    expect(await roundTrip(withCert)).toEqual(['secure hello']);

    const withoutCert = createKafka({
      brokers: [broker.mtls],
      clientId: 'secure-test',
      namespace: 'mtls-none',
      logger: recordingLogger(),
      ...kafkaConnectionFromEnv({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: broker.files.ca }),
    });
    await expect(withoutCert.listTopics()).rejects.toThrow();
    await withoutCert.disconnect();
  }, 120_000);
});
