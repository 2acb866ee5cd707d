import { applicationIdFor } from '@autoverify/contracts';
import { type ExtraBroker, startExtraBroker, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PROPERTY, startHarness, submitApplication, TENANT } from './helpers.ts';

// The outbox's promise in Kubernetes: while Kafka does not answer, ingest stays Ready (readiness checks
// PostgreSQL only), keeps taking Entrata's webhooks, and publishes what it accepted once Kafka is back.
// A broker of its own, frozen with SIGSTOP: the shared broker is never touched.
describe('ingest while Kafka does not answer', () => {
  let broker: ExtraBroker;
  let h: Harness;
  const brokers = process.env.KAFKA_BROKERS;

  beforeAll(async () => {
    broker = await startExtraBroker();
    process.env.KAFKA_BROKERS = broker.plaintext;
    h = await startHarness();
  }, 240_000);
  afterAll(async () => {
    broker?.resume();
    await h?.stop();
    await broker?.stop();
    process.env.KAFKA_BROKERS = brokers;
  }, 120_000);

  const probe = async (path: string) => (await fetch(`${h.url}${path}`)).status;

  it('stays ready and live, accepts the webhook, and publishes the event after the broker returns', async () => {
    expect(await probe('/health/ready')).toBe(200);
    broker.pause();

    const app = await submitApplication(h);
    const applicationId = applicationIdFor(TENANT, String(app.applicationId));
    const pending = () =>
      h.prisma.outboxMessage.findFirst({ where: { key: applicationId, eventType: 'ApplicationSubmitted' } });
    // Webhook stored, Entrata read, the event waiting in the outbox: all without Kafka. 60 s: the job
    // queue and the sandbox's webhook delivery on a loaded machine.
    const row = await waitFor(async () => (await pending()) ?? undefined, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'ApplicationSubmitted in the outbox while Kafka is paused',
    });
    expect(row.publishedAt).toBeNull();
    expect(await probe('/health/ready')).toBe(200);
    expect(await probe('/health/live')).toBe(200);

    broker.resume();
    // kafkajs reconnects with backoff (its request time-out is 30 s): 90 s.
    await waitFor(async () => ((await pending())?.publishedAt ? true : undefined), {
      timeoutMs: 90_000,
      intervalMs: 500,
      message: 'the outbox row published after the broker resumed',
    });
    const events = await h.events('applications', 'ApplicationSubmitted', applicationId);
    expect(events).toHaveLength(1);
    expect(events[0]?.payload.propertyId).toBe(String(PROPERTY));
  }, 240_000);
});
