import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

/**
 * Credentials shared by the local sandbox and the services. They only open the sandbox, so they live in
 * the repo (config/sandbox.env); real credentials come from the deployment's secrets, never from git.
 */
export function sandboxSecrets(file = join(repoRoot, 'config', 'sandbox.env')): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of readFileSync(file, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`${file}:${index + 1}: expected NAME=value`);
    values[match[1] as string] = match[2] as string;
  }
  return values;
}
