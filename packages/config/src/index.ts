export { commonEnv, loadEnv } from './env.ts';
export { ConfigError, UnknownTenantError } from './errors.ts';
export {
  type KafkaConnection,
  type KafkaConnectionEnv,
  kafkaConnectionFromEnv,
  kafkaEnv,
} from './kafka-env.ts';
export { type EventKeyring, parseKeyring, type TenantKeys } from './keyring.ts';
export { collectProblems, formatPath, type Problem } from './problems.ts';
export {
  type LoadTenantsOptions,
  loadTenants,
  type ResolvedProperty,
  TENANT_SECRET_KINDS,
  type TenantSecretKind,
  type Tenants,
} from './tenants.ts';
