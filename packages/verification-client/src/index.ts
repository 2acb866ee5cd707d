export { type Assumption, PLATFORM_ASSUMPTIONS } from './assumptions.ts';
export { createVerificationClient } from './client.ts';
export { type PlatformEnv, platformEnv, verificationClientFromEnv } from './env.ts';
export {
  InvalidReportError,
  isRetryableStatus,
  isVerificationPlatformError,
  type PlatformErrorKind,
  type PlatformProblem,
  VerificationPlatformError,
} from './errors.ts';
export { isHouseholdReport, kindOfPlatformType, platformVerificationType } from './kinds.ts';
export { assertCompletePdf } from './pdf.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './signature.ts';
export type * from './types.ts';
