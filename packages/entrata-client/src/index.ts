export {
  createEntrataClient,
  type EntrataClient,
  type EntrataClientOptions,
  type GetLeadsParams,
  type SendLeaseDocumentsParams,
} from './client.ts';
export type { EntrataLeaseDocument, EntrataUploadedFile } from './documents.ts';
export {
  coerceCode,
  EntrataError,
  type EntrataErrorKind,
  isEntrataError,
  isRetryableEntrataCode,
} from './errors.ts';
export { describeFileTypeRef, type FileTypeResolution, resolveFileType } from './file-types.ts';
export type { EntrataCustomer, EntrataProspect } from './leads.ts';
export type { EntrataLease, EntrataLeaseCustomer } from './leases.ts';
export type { PageRequest } from './pages.ts';
export {
  type EntrataClients,
  type EntrataTuning,
  entrataClientsPerTenant,
  replicaSharedEntrataClients,
  type TenantCredentials,
} from './per-tenant.ts';
export type { EntrataFileType, EntrataLeasePickList } from './pick-list.ts';
export { exhaustedWaitMs, parseRateLimitHeaders, type RateLimitWindow } from './rate-limit-headers.ts';
export { type Clock, type EntrataRateLimiter, RateLimiter, systemClock } from './rate-limiter.ts';
export { type SharedRateLimits, sharedRateLimits } from './shared-rate-limiter.ts';
export { ENTRATA_TIME_ZONE, formatEntrataDate, parseEntrataDate } from './tolerant.ts';
export { type EntrataAuth, SEND_LEASE_DOCUMENTS_PARTS } from './transport.ts';
