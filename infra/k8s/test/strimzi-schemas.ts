// JSON schemas of the two Strimzi resources the prod overlay uses (kafka.strimzi.io/v1beta2), written
// from Strimzi's API reference ("KafkaTopic schema reference", "KafkaUser schema reference": the fields,
// their types and allowed values). No npm package publishes Strimzi's CRD schemas, and the machines that
// run these tests reach no other source; additionalProperties: false makes a misspelt field fail.
const name = { type: 'string', minLength: 1 };
const metadata = {
  type: 'object',
  required: ['name', 'labels'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
    namespace: name,
    labels: { type: 'object', required: ['strimzi.io/cluster'], additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

export const kafkaTopicSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'kafka.strimzi.io/v1beta2' },
    kind: { const: 'KafkaTopic' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        topicName: name,
        partitions: { type: 'integer', minimum: 1 },
        replicas: { type: 'integer', minimum: 1, maximum: 32767 },
        config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      },
    },
  },
};

const aclResource = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: ['topic', 'group', 'cluster', 'transactionalId'] },
    name,
    patternType: { enum: ['literal', 'prefix'] },
  },
};
const operation = {
  enum: [
    'Read',
    'Write',
    'Create',
    'Delete',
    'Alter',
    'Describe',
    'ClusterAction',
    'AlterConfigs',
    'DescribeConfigs',
    'IdempotentWrite',
    'All',
  ],
};

export const kafkaUserSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'kafka.strimzi.io/v1beta2' },
    kind: { const: 'KafkaUser' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        authentication: {
          type: 'object',
          required: ['type'],
          properties: { type: { enum: ['tls', 'tls-external', 'scram-sha-512'] } },
        },
        authorization: {
          type: 'object',
          required: ['type', 'acls'],
          additionalProperties: false,
          properties: {
            type: { const: 'simple' },
            acls: {
              type: 'array',
              items: {
                type: 'object',
                required: ['resource', 'operations'],
                additionalProperties: false,
                properties: {
                  resource: aclResource,
                  operations: { type: 'array', minItems: 1, items: operation },
                  host: name,
                  type: { enum: ['allow', 'deny'] },
                },
              },
            },
          },
        },
      },
    },
  },
};
