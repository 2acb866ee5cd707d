import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const serviceDir = (service: string): string => join(repoRoot, 'services', service);
/** The support console (tools/support): deployed like a service, kept apart from the five. */
export const supportDir = join(repoRoot, 'tools', 'support');
export const stateDir = (): string => process.env.AUTOVERIFY_STATE_DIR ?? join(repoRoot, '.local');
/**
 * The local stack's event keyring (EVENT_KEYRING_FILE): one default key that opens only local events, in
 * git like config/sandbox.env. Production mounts its own per-tenant keyring (docs/security.md).
 */
export const devKeyringFile = join(repoRoot, 'config', 'dev-keyring.json');
