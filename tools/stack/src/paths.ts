import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const serviceDir = (service: string): string => join(repoRoot, 'services', service);
/** The support console (tools/support): deployed like a service, kept apart from the five. */
export const supportDir = join(repoRoot, 'tools', 'support');
export const stateDir = (): string => process.env.AUTOVERIFY_STATE_DIR ?? join(repoRoot, '.local');
