/**
 * Reads (and, for replays, writes) the events of one stack's namespace on Kafka, so tests can assert on
 * what the services said to each other: the envelopes are the contracts of packages/contracts.
 */

import { type EventKeyring, kafkaConnectionFromEnv } from '@autoverify/config';
import {
  deadLetterTopic,
  type EnvelopeHeader,
  type EventDefinition,
  type EventOf,
  type ServiceName,
  subscriptions,
  type TopicId,
  topicName,
  topicOfEvent,
  topics,
} from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import { createKafka, publishEvent } from '@autoverify/messaging';
import { devKeyringFile } from '@autoverify/stack';
import { messageJson } from '@autoverify/testing';

export type Envelope<P = Record<string, unknown>> = EnvelopeHeader & { payload: P };

export class EventLog {
  readonly brokers: string[];
  readonly namespace: string;

  /** The stack seals every event with its dev keyring: the client reads them back opened. */
  readonly keyring: EventKeyring | undefined;

  constructor(brokers: string[], namespace: string) {
    this.brokers = brokers;
    this.namespace = namespace;
    this.keyring = kafkaConnectionFromEnv({ EVENT_KEYRING_FILE: devKeyringFile }).keyring;
  }

  /** Every envelope on a topic so far (up to the high watermark when called), in partition order. */
  async all(topic: TopicId): Promise<Envelope[]> {
    const messages = await this.read(topicName(topics[topic], this.namespace));
    return messages
      .map((m) => m.json)
      .filter((json): json is Envelope => typeof json === 'object' && json !== null);
  }

  /** The events of one type (a contract definition, e.g. InviteSent) of one application, typed. */
  async of<D extends EventDefinition>(definition: D, applicationId: string): Promise<EventOf<D>[]> {
    const messages = await this.read(topicName(topicOfEvent(definition.type), this.namespace));
    return messages
      .map((m) => m.json as EventOf<D> | undefined)
      .filter(
        (e): e is EventOf<D> =>
          e !== undefined &&
          e.correlationId === applicationId &&
          e.type === definition.type &&
          e.version === definition.version,
      );
  }

  /** The messages a consumer dead-lettered, with the error, attempts and original topic from the headers. */
  async deadLetters(
    consumer: string,
  ): Promise<{ envelope: Envelope | undefined; error: string; attempts: string; originalTopic: string }[]> {
    const messages = await this.read(topicName(deadLetterTopic(consumer), this.namespace));
    return messages.map((m) => ({
      envelope: typeof m.json === 'object' && m.json !== null ? (m.json as Envelope) : undefined,
      error: m.headers['x-error'] ?? '',
      attempts: m.headers['x-attempts'] ?? '',
      originalTopic: m.headers['x-original-topic'] ?? '',
    }));
  }

  /** True when a service's consumer has committed everything on the topics it subscribes to (no lag). */
  async caughtUp(service: ServiceName): Promise<boolean> {
    const kafka = this.client();
    try {
      const lags = await kafka.consumerLag(
        kafka.groupId(service),
        subscriptions[service].map((t) => topicName(topics[t], this.namespace)),
      );
      return lags.every((p) => p.lag === 0);
    } finally {
      await kafka.disconnect();
    }
  }

  /** The messages on a topic so far, each with its value parsed as JSON (undefined when it is not JSON). */
  private async read(topic: string) {
    const kafka = this.client();
    try {
      return (await kafka.readTopic(topic)).map((m) => ({ ...m, json: messageJson(m.value) }));
    } finally {
      await kafka.disconnect();
    }
  }

  private client() {
    return createKafka({
      brokers: this.brokers,
      clientId: 'e2e',
      namespace: this.namespace,
      logger: createLogger({ service: 'e2e', level: 'warn' }),
      ...(this.keyring ? { keyring: this.keyring } : {}),
    });
  }

  /** Publishes an envelope exactly as a producer's relay would (validated, keyed, headers): a replay. */
  async publish(envelope: Envelope): Promise<void> {
    const kafka = this.client();
    try {
      await publishEvent(kafka, envelope);
    } finally {
      await kafka.disconnect();
    }
  }
}
