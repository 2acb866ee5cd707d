import { defineConfig } from 'vitest/config';
import { timeouts } from '../vitest.shared.ts';

export default defineConfig({
  test: {
    // Stopping the stack (services flush their outboxes) and dropping its databases.
    teardownTimeout: 60_000,
    projects: [
      // Pure helpers (tenants adjustment, message reading): no stack.
      {
        test: {
          name: 'unit',
          include: ['src/**/*.unit.test.ts', 'drills/**/*.unit.test.ts', 'bench/**/*.unit.test.ts'],
          ...timeouts.unit,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          // One stack (all five services as processes, the sandbox, Kafka topics, databases) is started
          // once for every e2e file. Files run one after another: sandbox faults are global, and the tests
          // wait on real time (reminders), not on CPU.
          globalSetup: ['./src/global-setup.ts'],
          setupFiles: ['./src/log-on-failure.ts'],
          fileParallelism: false,
          // kafkajs 2.2.4's request queue arms a timer with a negative delay on Node 24 (harmless, clamped
          // to 1 ms); the warning would otherwise be printed once per Kafka read.
          execArgv: ['--disable-warning=TimeoutNegativeWarning'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
