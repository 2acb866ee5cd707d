export { type BackoffOptions, backoffDelay, parseRetryAfter } from './backoff.ts';
export {
  createEntrataClient,
  type EntrataAuth,
  type EntrataClient,
  type EntrataClientOptions,
  type GetLeadsParams,
  SEND_LEASE_DOCUMENTS_PARTS,
  type SendLeaseDocumentsParams,
} from './client.ts';
export {
  coerceCode,
  EntrataError,
  type EntrataErrorKind,
  isEntrataError,
  isRetryableEntrataCode,
} from './errors.ts';
export type { EntrataCustomer, EntrataProspect } from './leads.ts';
export type {
  EntrataLease,
  EntrataLeaseCustomer,
  EntrataLeaseDocument,
  EntrataUploadedFile,
} from './leases.ts';
export {
  type EntrataClients,
  type EntrataTuning,
  entrataClientsPerTenant,
  type TenantCredentials,
} from './per-tenant.ts';
export { exhaustedWaitMs, parseRateLimitHeaders, type RateLimitWindow } from './rate-limit-headers.ts';
export { type Clock, RateLimiter, systemClock } from './rate-limiter.ts';
export { ENTRATA_TIME_ZONE, formatEntrataDate, parseEntrataDate } from './tolerant.ts';
