export { commonEnv, loadEnv } from './env.ts';
export { ConfigError, UnknownTenantError } from './errors.ts';
export {
  type KafkaConnection,
  type KafkaConnectionEnv,
  kafkaConnectionFromEnv,
  kafkaEnv,
} from './kafka-env.ts';
export { collectProblems, formatPath, type Problem } from './problems.ts';
export { loadTenants, type ResolvedProperty, type Tenants } from './tenants.ts';
