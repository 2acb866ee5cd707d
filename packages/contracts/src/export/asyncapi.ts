import { eventKey } from '../envelope.ts';
import {
  allTopics,
  serviceNames,
  subscriptions,
  supportConsumer,
  supportSubscriptions,
  topicName,
  topics,
} from '../topics.ts';
import { eventJsonSchemas } from './json-schemas.ts';

/** AsyncAPI 3.0 document describing every topic, message and which service sends or receives it. */
export function buildAsyncApiDocument(namespace = 'autoverify'): Record<string, unknown> {
  const schemas = eventJsonSchemas();
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  for (const [id, topic] of Object.entries(topics)) {
    const channelMessages: Record<string, unknown> = {};
    for (const def of topic.events) {
      const key = eventKey(def.type, def.version);
      const { $id: _id, ...payload } = schemas.get(key) as Record<string, unknown>;
      messages[key] = {
        name: def.type,
        title: `${def.type} v${def.version}`,
        summary: def.description,
        contentType: 'application/json',
        headers: {
          type: 'object',
          properties: {
            'event-type': { type: 'string', const: def.type },
            'event-version': { type: 'string', const: String(def.version) },
            'event-id': { type: 'string', format: 'uuid' },
            traceparent: { type: 'string' },
          },
        },
        payload,
        bindings: { kafka: { key: { type: 'string', description: `payload.${def.key}` } } },
        examples: [
          { name: 'example', payload: { type: def.type, version: def.version, payload: def.example } },
        ],
      };
      channelMessages[key] = { $ref: `#/components/messages/${key}` };
    }
    channels[id] = {
      address: topicName(topic, namespace),
      description: topic.description,
      messages: channelMessages,
      bindings: {
        kafka: { partitions: topic.partitions, topicConfiguration: { 'retention.ms': topic.retentionMs } },
      },
    };
    for (const producer of topic.producers) {
      operations[`${producer}.send.${id}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${id}` },
        messages: Object.keys(channelMessages).map((m) => ({ $ref: `#/channels/${id}/messages/${m}` })),
      };
    }
  }
  for (const service of serviceNames) {
    for (const id of subscriptions[service]) {
      operations[`${service}.receive.${id}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` } };
    }
  }
  for (const id of supportSubscriptions) {
    operations[`${supportConsumer}.receive.${id}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${id}` },
    };
  }
  for (const topic of allTopics().filter((t) => t.name.startsWith('dlq.'))) {
    channels[topic.name.replace('.', '-')] = {
      address: topicName(topic, namespace),
      description: topic.description,
      bindings: {
        kafka: { partitions: topic.partitions, topicConfiguration: { 'retention.ms': topic.retentionMs } },
      },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'autoverify events',
      version: '1.0.0',
      description:
        'Events exchanged by the autoverify services. Every message is an envelope (id, type, version, occurredAt, tenantId, correlationId, causationId, trace context) with a versioned payload; keys are our application id.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:19092', protocol: 'kafka', description: 'The broker `make dev` starts.' },
    },
    channels,
    operations,
    components: { messages },
  };
}
