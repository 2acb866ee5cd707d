import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantsFile } from '@autoverify/contracts';

export interface WrittenTenantsFile {
  /** `<temp dir>/tenants.json`: what TENANTS_FILE points to. */
  path: string;
  /** Removes the temp dir. Safe to call twice. */
  cleanup(): void;
}

/** Writes `file` as JSON into a new temp dir (`prefix` names the dir, to spot leftovers). */
export function writeTenantsFile(file: TenantsFile, prefix = 'tenants'): WrittenTenantsFile {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const path = join(dir, 'tenants.json');
  try {
    writeFileSync(path, JSON.stringify(file, null, 2));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
