import { defineConfig } from 'vitest/config';
import { timeouts } from '../vitest.shared.ts';

// The repository scripts' tests: pure ones beside a few that run the scripts themselves (bash, node).
export default defineConfig({ test: { include: ['**/*.test.ts'], ...timeouts.integration } });
