/**
 * What messaging reports about itself: events a consumer handled, retried and dead-lettered, how far it lags
 * behind its topics, and the outbox's backlog. Recorded on the meter the service passes (service-kit passes
 * its per-service one); without one nothing is recorded.
 */
import { createNoopMeter, type Meter } from '@opentelemetry/api';
import type { KafkaClient } from './kafka.ts';
import type { Logger } from './logger.ts';
import type { Transactions } from './sql.ts';

/** Why a message went to the dead letters: `refused` = sealed with a key we do not hold, or altered. */
export type DeadLetterReason = 'invalid' | 'refused' | 'permanent' | 'retries-exhausted';

export interface ConsumerMetrics {
  /** An event reached its end here: handled, skipped as a duplicate, or not handled by this consumer. */
  consumed(topic: string, eventType: string, outcome: 'processed' | 'duplicate' | 'ignored'): void;
  /** A handler attempt threw (it is retried, or dead-lettered when it was the last). */
  failed(topic: string): void;
  deadLettered(topic: string, reason: DeadLetterReason): void;
  /** How long after it happened an event was handled: end-to-end latency per hop (invite latency). */
  handledAfter(eventType: string, seconds: number): void;
}

export function consumerMetrics(
  meter: Meter = createNoopMeter(),
  consumer: string,
  topics: readonly string[] = [],
): ConsumerMetrics {
  const consumed = meter.createCounter('autoverify.consumer.events', {
    description: 'Events that reached their end in a consumer, by topic, event type and outcome',
  });
  const failed = meter.createCounter('autoverify.consumer.failures', {
    description: 'Handler attempts that threw (retried or dead-lettered)',
  });
  const deadLettered = meter.createCounter('autoverify.consumer.dead_lettered', {
    description: 'Messages sent to the consumer dead-letter topic, by topic and reason',
  });
  // Series start at 0 for every subscribed topic: increase() and the alerts see the first failure too.
  for (const topic of topics) {
    failed.add(0, { consumer, topic });
    deadLettered.add(0, { consumer, topic, reason: 'retries-exhausted' });
  }
  const age = meter.createHistogram('autoverify.consumer.event_age_seconds', {
    unit: 's',
    description: 'Time from an event occurring (envelope occurredAt) to its handler committing',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600] },
  });
  return {
    handledAfter: (eventType, seconds) =>
      age.record(Math.max(0, seconds), { consumer, event_type: eventType }),
    consumed: (topic, eventType, outcome) =>
      consumed.add(1, { consumer, topic, event_type: eventType, outcome }),
    failed: (topic) => failed.add(1, { consumer, topic }),
    deadLettered: (topic, reason) => deadLettered.add(1, { consumer, topic, reason }),
  };
}

/**
 * Consumer lag per topic (summed over partitions), asked from the broker when Prometheus scrapes. A broker
 * that does not answer leaves the gauge out of that scrape (an absent series, not a misleading zero).
 * Returns the function that stops observing.
 */
export function observeConsumerLag(
  meter: Meter,
  kafka: KafkaClient,
  consumer: string,
  topics: string[],
  logger: Logger,
): () => void {
  const lag = meter.createObservableGauge('autoverify.consumer.lag', {
    description: 'Messages in the subscribed topics the consumer group has not committed yet',
  });
  const callback = async (result: { observe(value: number, attributes: Record<string, string>): void }) => {
    try {
      const byTopic = new Map<string, number>(topics.map((topic) => [topic, 0]));
      for (const p of await kafka.consumerLag(kafka.groupId(consumer), topics))
        byTopic.set(p.topic, (byTopic.get(p.topic) ?? 0) + p.lag);
      for (const [topic, value] of byTopic) result.observe(value, { consumer, topic });
    } catch (error) {
      logger.warn({ err: error }, 'consumer lag not measured: the broker did not answer');
    }
  };
  lag.addCallback(callback);
  return () => lag.removeCallback(callback);
}

/** Outbox rows not yet published, how old the oldest is, and rows set aside as unpublishable. */
export function observeOutbox<Tx>(meter: Meter, transactions: Transactions<Tx>): void {
  const backlog = meter.createObservableGauge('autoverify.outbox.backlog', {
    description: 'Events in the outbox waiting for the relay',
  });
  const oldest = meter.createObservableGauge('autoverify.outbox.oldest_age_seconds', {
    unit: 's',
    description: 'Age of the oldest event waiting in the outbox',
  });
  const failed = meter.createObservableGauge('autoverify.outbox.failed', {
    description: 'Events the relay set aside as unpublishable (outbox_failed), waiting for support',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      // The (published_at, id) index keeps this cheap however long the published history is.
      const [row] = await transactions.sql().query<{ backlog: number; age: number; failed: number }>(
        `SELECT (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS backlog,
                COALESCE((SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8
                            FROM outbox WHERE published_at IS NULL), 0) AS age,
                (SELECT count(*)::int FROM outbox_failed) AS failed`,
      );
      if (!row) return;
      result.observe(backlog, row.backlog);
      result.observe(oldest, row.age);
      result.observe(failed, row.failed);
    },
    [backlog, oldest, failed],
  );
}
