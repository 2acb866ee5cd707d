import { defineConfig } from 'vitest/config';
import { timeouts } from '../vitest.shared.ts';

const DRILL = 'test/drill-smoke.e2e.test.ts';

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
          exclude: [DRILL],
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
      // The fast failure drill starts a stack of its own and is run on its own (`test:drill`), after the
      // suite's stack is gone: the two stacks side by side held up to 100 connections, all a stock
      // PostgreSQL allows, and a service refused one ("too many clients") dead-lettered an event.
      {
        test: {
          name: 'drill',
          include: [DRILL],
          execArgv: ['--disable-warning=TimeoutNegativeWarning'],
        },
      },
    ],
  },
});
