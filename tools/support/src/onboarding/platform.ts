import type { Logger } from '@autoverify/logger';
import { isVerificationPlatformError, verificationClientFromEnv } from '@autoverify/verification-client';
import { type Finding, fail, ok } from './findings.ts';

const AUTH_PATH = '/api/v1/tenants/auth';
/** An id no group has: reading it makes the client authenticate first, and creates nothing. */
const PROBE_GROUP = 'autoverify-onboarding-check';

/**
 * The verification platform credentials the services use (PLATFORM_* environment). The client has no public
 * "authenticate only" call, so a read of a group that does not exist makes it call `POST /api/v1/tenants/auth`
 * first; only that auth call's outcome is judged, whatever the read answers afterwards.
 */
export async function platformFindings(
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<Finding[]> {
  const baseUrl = env.PLATFORM_BASE_URL || 'http://127.0.0.1:4000';
  const area = `verification platform (${baseUrl})`;
  const missing = ['PLATFORM_CLIENT_ID', 'PLATFORM_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length > 0)
    return [
      fail(
        area,
        `${missing.join(' and ')} not set: the platform credentials cannot be checked`,
        'Run the check with the same PLATFORM_BASE_URL, PLATFORM_CLIENT_ID and PLATFORM_SECRET_KEY as invite and report-sync.',
      ),
    ];
  const client = verificationClientFromEnv(
    {
      PLATFORM_BASE_URL: baseUrl,
      PLATFORM_CLIENT_ID: env.PLATFORM_CLIENT_ID as string,
      PLATFORM_SECRET_KEY: env.PLATFORM_SECRET_KEY as string,
    },
    logger,
    { timeoutMs: 10_000 },
  );
  try {
    await client.getApplicantGroup(PROBE_GROUP);
    return [ok(area, 'credentials accepted (POST /api/v1/tenants/auth)')];
  } catch (error) {
    if (!isVerificationPlatformError(error) || error.path !== AUTH_PATH)
      return [ok(area, 'credentials accepted (POST /api/v1/tenants/auth)')];
    if (error.kind === 'network' || error.kind === 'timeout')
      return [
        fail(
          area,
          `no answer from ${baseUrl}: ${error.message}`,
          'Check PLATFORM_BASE_URL and the network path to the platform.',
        ),
      ];
    return [
      fail(
        area,
        `credentials rejected (HTTP ${error.status ?? '?'}): ${error.message}`,
        'Check PLATFORM_CLIENT_ID and PLATFORM_SECRET_KEY with the verification platform account.',
      ),
    ];
  } finally {
    await client.close();
  }
}
