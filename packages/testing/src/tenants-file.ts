import { randomBytes } from 'node:crypto';
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

/**
 * Writes an event keyring (EVENT_KEYRING_FILE) with one random default key, or the given keyring JSON,
 * into a new temp dir. Every test run gets keys of its own.
 */
export function writeTestKeyring(prefix = 'keyring', keyring?: object): WrittenTenantsFile {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const path = join(dir, 'keyring.json');
  const file = keyring ?? {
    default: { current: 'test-1', keys: { 'test-1': randomBytes(32).toString('base64') } },
  };
  try {
    writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
