import { ConfigError, loadTenants, type Tenants, UnknownTenantError } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { checkTenant } from '../onboarding/check.ts';
import { formatFindings, hasFailures } from '../onboarding/findings.ts';
import type { Command } from './args.ts';

/**
 * `pnpm support tenant check <tenant>`: 0 when nothing blocks going live, 1 when something does (the report
 * says what), 2 when the check cannot run (no or invalid tenants file, unknown tenant).
 */
export async function tenantCheckCommand(
  command: Extract<Command, { name: 'tenant check' }>,
  env: NodeJS.ProcessEnv,
  options: { out?: (text: string) => void; err?: (text: string) => void } = {},
): Promise<number> {
  const out = options.out ?? ((text) => process.stdout.write(text));
  const err = options.err ?? ((text) => process.stderr.write(text));
  const path = env.TENANTS_FILE;
  if (!path) {
    err('support: tenant check: TENANTS_FILE is not set (the tenants file the services use)\n');
    return 2;
  }
  let tenants: Tenants;
  try {
    tenants = loadTenants(path, env, { secrets: [] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(`support: tenant check: ${[error.message, ...error.problems.map((p) => `  ${p}`)].join('\n')}\n`);
    return 2;
  }
  try {
    const findings = await checkTenant({
      tenants,
      tenantId: command.tenantId,
      env,
      logger: createLogger({ service: 'support-cli', level: 'silent' }),
    });
    out(
      `${command.json ? JSON.stringify({ tenant: command.tenantId, findings }, null, 2) : formatFindings(command.tenantId, findings)}\n`,
    );
    return hasFailures(findings) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof UnknownTenantError)) throw error;
    const known = tenants
      .all()
      .map((t) => t.id)
      .join(', ');
    err(`support: tenant check: no tenant "${command.tenantId}" in ${path} (it has: ${known})\n`);
    return 2;
  }
}
