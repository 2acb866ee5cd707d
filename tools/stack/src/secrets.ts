import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

/**
 * Credentials shared by the local sandbox and the services. They only open the sandbox, so they live in
 * the repo (config/sandbox.env); real credentials come from the deployment's secrets, never from git.
 */
export function sandboxSecrets(file = join(repoRoot, 'config', 'sandbox.env')): Record<string, string> {
  return parseEnvFile(readFileSync(file, 'utf8'), file);
}

/** NAME=value lines; a name given twice is refused, since one of the two values would be silently ignored. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lineOf = new Map<string, number>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`${file}:${index + 1}: expected NAME=value`);
    const [, name = '', value = ''] = match;
    const earlier = lineOf.get(name);
    if (earlier !== undefined)
      throw new Error(`${file}:${index + 1}: ${name} is already set on line ${earlier}; keep one`);
    lineOf.set(name, index + 1);
    values[name] = value;
  }
  return values;
}
