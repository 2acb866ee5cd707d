import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const serviceDir = (service: string): string => join(repoRoot, 'services', service);
export const stateDir = (): string => process.env.AUTOVERIFY_STATE_DIR ?? join(repoRoot, '.local');
