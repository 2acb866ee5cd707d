import { readFileSync } from 'node:fs';
import type { SandboxOptions } from './index.ts';
import type { SandboxSeed } from './state.ts';

export class ConfigError extends Error {}

const port = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${name} must be a port number (0-65535), got "${value}"`);
  return n;
};

const url = (name: string, value: string | undefined): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (!/^https?:\/\/[^/]/.test(value))
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  return value.replace(/\/$/, '');
};

function readSeed(path: string): SandboxSeed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `SANDBOX_SEED_FILE ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const orgs = (parsed as { orgs?: unknown }).orgs;
  if (
    !Array.isArray(orgs) ||
    orgs.some(
      (o) => typeof o?.org !== 'string' || typeof o?.apiKey !== 'string' || typeof o?.tenantId !== 'string',
    )
  ) {
    throw new ConfigError(`SANDBOX_SEED_FILE ${path}: expected {"orgs":[{"org","tenantId","apiKey",...}]}`);
  }
  return parsed as SandboxSeed;
}

/** Sandbox options from the environment (see README). Unset values fall back to the defaults. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxOptions {
  const set = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
  return {
    httpPort: port('SANDBOX_PORT', env.SANDBOX_PORT) ?? port('PORT', env.PORT) ?? 4000,
    smtpPort: port('SMTP_PORT', env.SMTP_PORT) ?? 2525,
    ...set('host', env.SANDBOX_HOST || undefined),
    ...set('publicUrl', url('SANDBOX_PUBLIC_URL', env.SANDBOX_PUBLIC_URL)),
    ...set('ingestBaseUrl', url('INGEST_URL', env.INGEST_URL)),
    ...set('notifyBaseUrl', url('NOTIFY_URL', env.NOTIFY_URL)),
    platform: defined({
      clientId: env.PLATFORM_CLIENT_ID,
      secretKey: env.PLATFORM_SECRET_KEY,
      webhookSecret: env.PLATFORM_WEBHOOK_SECRET,
    }),
    twilio: defined({
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      defaultFrom: env.TWILIO_DEFAULT_FROM,
    }),
    ...set('seed', env.SANDBOX_SEED_FILE ? readSeed(env.SANDBOX_SEED_FILE) : undefined),
    ...set('logLevel', env.LOG_LEVEL || undefined),
  };
}
