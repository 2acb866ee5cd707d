// The support CLI: a thin client of the support console's admin API, so authorisation and the audit trail
// live in one place. Exit codes: 0 done, 1 the API refused or failed, 2 bad usage or configuration.
import { userInfo } from 'node:os';
import { ApiError, apiClient } from './cli/api.ts';
import { type Command, UsageError } from './cli/args.ts';
import { parseCommand } from './cli/program.ts';
import { run } from './cli/run.ts';
import { tenantCheckCommand } from './cli/tenant-check.ts';
import { OPERATOR_HEADER } from './domain/operator.ts';

/** Who runs the CLI (SUPPORT_OPERATOR, else the OS user): recorded with every unmasked read. */
function operatorOf(env: NodeJS.ProcessEnv): string {
  let user = env.SUPPORT_OPERATOR;
  if (!user)
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  // A header value: printable ASCII only.
  return encodeURIComponent(user).slice(0, 100) || 'unknown';
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const topic = argv[0] && !argv[0].startsWith('-') ? `${argv[0]} ` : '';
    process.stderr.write(`support: ${error.message}\n(see: pnpm support ${topic}--help)\n`);
    return 2;
  }
  if (command.name === 'help') {
    process.stdout.write(command.text.endsWith('\n') ? command.text : `${command.text}\n`);
    return 0;
  }
  // Runs where the tenants file and the secrets are, against Entrata and the platform: no console involved.
  if (command.name === 'tenant check') return tenantCheckCommand(command, env);
  const token = env.SUPPORT_TOKEN;
  if (!token) {
    process.stderr.write('support: SUPPORT_TOKEN is not set (your personal support token)\n');
    return 2;
  }
  const baseUrl = env.SUPPORT_URL || 'http://127.0.0.1:3006';
  if (!/^https?:\/\/\S+$/.test(baseUrl)) {
    process.stderr.write(`support: SUPPORT_URL "${baseUrl}" is not an http(s) URL\n`);
    return 2;
  }
  try {
    const api = apiClient(baseUrl, token, { [OPERATOR_HEADER]: operatorOf(env) });
    process.stdout.write(`${await run(command, api)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    process.stderr.write(`support: ${command.name} failed: ${error.message}\n`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
