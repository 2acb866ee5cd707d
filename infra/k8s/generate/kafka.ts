// The prod overlay's Kafka resources, generated from the contracts registry: Strimzi KafkaTopics, one
// KafkaUser per application with ACLs for exactly its topics and group, KEDA lag scaling, and the patches
// that give each Deployment its Kafka credentials (TLS + SASL/SCRAM-SHA-512).
import {
  allTopics,
  deadLetterTopic,
  subscriptions,
  supportSubscriptions,
  type TopicDefinition,
  topicName,
  topics,
} from '@autoverify/contracts';
import { type App, apps, workloadsOf } from './apps.ts';

type Manifest = Record<string, unknown>;

/** The Strimzi Kafka cluster (its entity operator watches the autoverify namespace) and topic namespace. */
export const KAFKA_CLUSTER = 'autoverify-kafka';
export const TOPIC_NAMESPACE = 'autoverify';
export const REPLICAS = 3;
export const MIN_INSYNC_REPLICAS = 2;
export const KAFKA_BOOTSTRAP = `${KAFKA_CLUSTER}-kafka-bootstrap.kafka.svc:9093`;

const clusterLabel = { 'strimzi.io/cluster': KAFKA_CLUSTER };
const brokerName = (topic: Pick<TopicDefinition, 'name'>) => topicName(topic, TOPIC_NAMESPACE);
export const kafkaUserName = (app: App) => `autoverify-${app.name}`;

export function kafkaTopics(): Manifest[] {
  return allTopics().map((topic) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: { name: brokerName(topic), labels: clusterLabel },
    spec: {
      topicName: brokerName(topic),
      partitions: topic.partitions,
      replicas: REPLICAS,
      config: {
        'retention.ms': topic.retentionMs,
        'min.insync.replicas': MIN_INSYNC_REPLICAS,
      },
    },
  }));
}

/** What an application reads and writes, per the registry. */
export function topicAccess(app: App): { read: string[]; write: string[]; groups: string[] } {
  const eventTopics = Object.values(topics);
  if (app.name === 'support') {
    // Reads every topic into its timeline and the dead letters; replays and redrives write to the event
    // topics; readTopic uses throw-away groups `<namespace>.read-<uuid>` (handled by a prefix ACL).
    const dlqs = allTopics().filter((t) => !eventTopics.includes(t as never));
    return {
      read: [...supportSubscriptions.map((id) => brokerName(topics[id])), ...dlqs.map(brokerName)],
      write: [...eventTopics.map(brokerName), brokerName(deadLetterTopic(app.name))],
      groups: [`${TOPIC_NAMESPACE}.${app.name}`],
    };
  }
  return {
    read: subscriptions[app.name].map((id) => brokerName(topics[id])),
    write: [
      ...eventTopics.filter((t) => (t.producers as readonly string[]).includes(app.name)).map(brokerName),
      brokerName(deadLetterTopic(app.name)),
    ],
    groups: [`${TOPIC_NAMESPACE}.${app.name}`],
  };
}

const acl = (type: 'topic' | 'group', name: string, operations: string[], patternType = 'literal') => ({
  resource: { type, name, patternType },
  operations,
  host: '*',
});

export function kafkaUsers(): Manifest[] {
  const users = apps.map((app) => {
    const access = topicAccess(app);
    const acls = [
      ...access.read.map((t) => acl('topic', t, ['Read', 'Describe'])),
      ...access.write.map((t) => acl('topic', t, ['Write', 'Describe'])),
      ...access.groups.map((g) => acl('group', g, ['Read', 'Describe'])),
    ];
    if (app.name === 'support')
      acls.push(acl('group', `${TOPIC_NAMESPACE}.read-`, ['Read', 'Describe', 'Delete'], 'prefix'));
    return {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaUser',
      metadata: { name: kafkaUserName(app), labels: clusterLabel },
      spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } },
    };
  });
  // KEDA's Kafka scaler reads the groups' committed offsets and the topics' end offsets; nothing else.
  users.push({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaUser',
    metadata: { name: 'autoverify-keda', labels: clusterLabel },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: [
          acl('topic', `${TOPIC_NAMESPACE}.`, ['Describe'], 'prefix'),
          acl('group', `${TOPIC_NAMESPACE}.`, ['Describe'], 'prefix'),
        ],
      },
    },
  });
  return users;
}

/** KEDA replaces the CPU-only HPA of a consumer: CPU or consumer lag, whichever asks for more pods. */
export function scaledObjects(): Manifest[] {
  const triggerAuth = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name: 'kafka-lag-reader' },
    spec: {
      secretTargetRef: [
        { parameter: 'sasl', name: 'keda-kafka-settings', key: 'sasl' },
        { parameter: 'username', name: 'keda-kafka-settings', key: 'username' },
        { parameter: 'password', name: 'autoverify-keda', key: 'password' },
        { parameter: 'tls', name: 'keda-kafka-settings', key: 'tls' },
        { parameter: 'ca', name: 'kafka-cluster-ca-cert', key: 'ca.crt' },
      ],
    },
  };
  const scaled = apps
    .filter((app) => app.lagScaling)
    .map((app) => ({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: app.name },
      spec: {
        scaleTargetRef: { name: app.name },
        minReplicaCount: 2,
        // More members than partitions would sit idle.
        maxReplicaCount: Math.max(
          ...subscriptions[app.name as keyof typeof subscriptions].map((id) => topics[id].partitions),
        ),
        triggers: [
          { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
          ...subscriptions[app.name as keyof typeof subscriptions].map((id) => ({
            type: 'kafka',
            authenticationRef: { name: 'kafka-lag-reader' },
            metadata: {
              bootstrapServers: KAFKA_BOOTSTRAP,
              consumerGroup: `${TOPIC_NAMESPACE}.${app.name}`,
              topic: brokerName(topics[id]),
              // Messages waiting per pod before another pod is added.
              lagThreshold: '50',
              offsetResetPolicy: 'earliest',
            },
          })),
        ],
      },
    }));
  return [triggerAuth, ...scaled];
}

/**
 * Strategic-merge patches: each Deployment's Kafka user (SCRAM password file) and the cluster CA. Both
 * Deployments of a split application use its user (a web process only reads the keyring it is given).
 */
export function kafkaClientPatches(): Manifest[] {
  return apps.flatMap(workloadsOf).map(({ name, app }) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: app.name,
              env: [
                { name: 'KAFKA_SASL_USERNAME', value: kafkaUserName(app) },
                { name: 'KAFKA_SASL_PASSWORD_FILE', value: '/var/run/secrets/kafka-user/password' },
                { name: 'EVENT_KEYRING_FILE', value: '/var/run/secrets/event-keyring/keyring.json' },
              ],
              volumeMounts: [
                { name: 'kafka-user', mountPath: '/var/run/secrets/kafka-user', readOnly: true },
                { name: 'kafka-ca', mountPath: '/var/run/secrets/kafka-ca', readOnly: true },
                { name: 'event-keyring', mountPath: '/var/run/secrets/event-keyring', readOnly: true },
              ],
            },
          ],
          volumes: [
            // Created by Strimzi's user operator for the KafkaUser (key `password`).
            {
              name: 'kafka-user',
              secret: { secretName: kafkaUserName(app), items: [{ key: 'password', path: 'password' }] },
            },
            // The cluster CA, copied from the kafka namespace (docs/operations.md).
            {
              name: 'kafka-ca',
              secret: { secretName: 'kafka-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
            },
            // Per-tenant keys sealing every event (docs/security.md "Events on Kafka"); one Secret, all apps.
            {
              name: 'event-keyring',
              secret: { secretName: 'event-keyring', items: [{ key: 'keyring.json', path: 'keyring.json' }] },
            },
          ],
        },
      },
    },
  }));
}
