import type { Logger } from '@autoverify/logger';
import Type from 'typebox';
import { createVerificationClient } from './client.ts';
import type { VerificationClient } from './types.ts';

/** The environment every service that talks to the verification platform reads (spread into its schema). */
export const platformEnv = {
  PLATFORM_BASE_URL: Type.String({
    pattern: '^https?://.+',
    default: 'http://127.0.0.1:4000',
    description: 'Verification platform API base URL.',
  }),
  PLATFORM_CLIENT_ID: Type.String({ minLength: 1 }),
  PLATFORM_SECRET_KEY: Type.String({ minLength: 1 }),
};

export interface PlatformEnv {
  PLATFORM_BASE_URL: string;
  PLATFORM_CLIENT_ID: string;
  PLATFORM_SECRET_KEY: string;
}

export function verificationClientFromEnv(
  env: PlatformEnv,
  logger: Logger,
  options: { timeoutMs?: number } = {},
): VerificationClient {
  return createVerificationClient({
    baseUrl: env.PLATFORM_BASE_URL,
    clientId: env.PLATFORM_CLIENT_ID,
    secretKey: env.PLATFORM_SECRET_KEY,
    logger,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}
