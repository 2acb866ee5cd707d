import { defineConfig } from 'vitest/config';

// One stack (all five services as processes, the sandbox, Kafka topics, databases) is started once for
// every e2e file by src/global-setup.ts. Files run one after another: sandbox faults are global, and the
// tests wait on real time (reminders), not on CPU.
export default defineConfig({
  test: {
    include: ['test/**/*.e2e.test.ts'],
    globalSetup: ['./src/global-setup.ts'],
    setupFiles: ['./src/log-on-failure.ts'],
    fileParallelism: false,
    // kafkajs 2.2.4's request queue arms a timer with a negative delay on Node 24 (harmless, clamped to 1 ms);
    // the warning would otherwise be printed once per Kafka read.
    execArgv: ['--disable-warning=TimeoutNegativeWarning'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
