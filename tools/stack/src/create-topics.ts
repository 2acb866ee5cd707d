// Creates every topic of the contracts registry (partitions, retention) that does not exist yet.
// Used by the Kubernetes create-topics Job and docker-compose; `make dev` does the same in-process.
import { createTopics } from './infrastructure.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  console.error('create-topics: KAFKA_BROKERS is required (comma-separated host:port list)');
  process.exit(2);
}
const namespace = process.env.KAFKA_NAMESPACE ?? 'autoverify';
await createTopics(brokers, namespace);
console.log(`create-topics: topics of namespace "${namespace}" exist on ${brokers}`);
