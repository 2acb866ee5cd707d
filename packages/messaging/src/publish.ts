import { type TopicDefinition, topicOfEvent } from '@autoverify/contracts';
import { eventKeyOf, validateEvent } from './events.ts';
import { eventHeaders, type Headers } from './headers.ts';
import type { KafkaClient } from './kafka.ts';

/**
 * Publishes an existing envelope straight to Kafka (support replay): validated, keyed and headed exactly
 * as the relay would. Services publish through the outbox instead, so state and events commit together.
 */
export async function publishEvent(
  kafka: KafkaClient,
  envelope: unknown,
  options: { topic?: Pick<TopicDefinition, 'name'>; headers?: Headers } = {},
): Promise<void> {
  const { event, definition } = validateEvent(envelope);
  await kafka.publishRaw([
    {
      topic: kafka.topicName(options.topic ?? topicOfEvent(event.type)),
      key: eventKeyOf(definition, event.payload as Record<string, unknown>),
      value: JSON.stringify(event),
      headers: { ...eventHeaders(event), ...options.headers },
    },
  ]);
}
