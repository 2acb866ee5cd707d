import { ConfigError } from '@autoverify/config';
import type { SecretRef, TenantSettings } from '@autoverify/contracts';
import { type Finding, fail, note, ok } from './findings.ts';

/** HMAC webhook secrets: 32 characters at least (`openssl rand -hex 32` gives 64). */
export const MIN_WEBHOOK_SECRET = 32;
/** Basic-auth webhook passwords. */
export const MIN_WEBHOOK_PASSWORD = 16;

const where = (ref: SecretRef) =>
  'env' in ref ? `environment variable ${ref.env}` : `secret file ${ref.file}`;

export type ReadSecret = (ref: SecretRef) => string;

/** A secret's value, or the finding that says why there is none. */
export function resolveSecret(
  read: ReadSecret,
  ref: SecretRef,
  label: string,
): { value?: string; finding?: Finding } {
  try {
    return { value: read(ref) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const why = error.problems.join('; ') || error.message;
    return {
      finding: fail(
        'secrets',
        `${label}: ${why}`,
        `Set ${where(ref)} where the services (and this check) run; see docs/adding-a-customer.md, "Create the secrets".`,
      ),
    };
  }
}

/**
 * The webhook secret configuration: every secret resolvable and long enough, two entries only while a
 * rotation is under way (and then two different values).
 */
export function webhookSecretFindings(tenant: TenantSettings, read: ReadSecret): Finding[] {
  const hook = tenant.webhook;
  const refs = hook.auth === 'hmac' ? hook.secrets : hook.passwords;
  const kind = hook.auth === 'hmac' ? 'webhook.secrets' : 'webhook.passwords';
  const min = hook.auth === 'hmac' ? MIN_WEBHOOK_SECRET : MIN_WEBHOOK_PASSWORD;
  const findings: Finding[] = [];
  const values: string[] = [];
  for (const [i, ref] of refs.entries()) {
    const label = `${kind}[${i}] (${where(ref)})`;
    const { value, finding } = resolveSecret(read, ref, label);
    if (value === undefined) {
      if (finding) findings.push(finding);
      continue;
    }
    values.push(value);
    if (value.length < min)
      findings.push(
        fail(
          'secrets',
          `${label}: ${value.length} characters, at least ${min} are needed`,
          'Generate a new one with `openssl rand -hex 32`, give it to the customer for Entrata, and rotate (docs/adding-a-customer.md).',
        ),
      );
    else findings.push(ok('secrets', `${label}: set, ${value.length} characters`));
  }
  if (values.length === 2 && values[0] === values[1])
    findings.push(
      fail(
        'secrets',
        `${kind}: both entries hold the same value`,
        'Keep one entry, or put the new value in the second.',
      ),
    );
  else if (refs.length === 2)
    findings.push(
      note(
        'secrets',
        `${kind}: two entries, a rotation is under way (both are accepted)`,
        'Once Entrata sends with the new one, remove the old entry and roll out.',
      ),
    );
  return findings;
}
