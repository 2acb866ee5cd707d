import { defineConfig } from 'vitest/config';

/**
 * The test limits every package shares, one project per kind of test (`vitest run --project unit`).
 *
 * Why these time-outs: tests run on 2-core machines while turbo runs other packages' tests beside them, and CI
 * may share the machine with other work. Under that load a test's own CPU work has taken over 10x its idle time
 * (the AsyncAPI parser: 1 s idle, 12.7 s loaded). Tests wait for conditions, never for the clock, so a time-out
 * only decides how long a hung test takes to fail: it is set for the worst loaded machine, not the usual one.
 */
export const timeouts = {
  /** No I/O, but heavy parsers and first imports run on a contended CPU. */
  unit: { testTimeout: 60_000, hookTimeout: 60_000 },
  /** Real Kafka and PostgreSQL: jobs with backoff, the outbox relay, consumer group joins, broker metadata. */
  integration: { testTimeout: 180_000, hookTimeout: 240_000 },
} as const;

export function packageTestConfig() {
  return defineConfig({
    test: {
      projects: [
        {
          test: {
            name: 'unit',
            include: ['**/*.unit.test.ts'],
            exclude: ['**/node_modules/**'],
            ...timeouts.unit,
          },
        },
        {
          test: {
            name: 'integration',
            include: ['test/**/*.integration.test.ts'],
            ...timeouts.integration,
            // kafkajs 2.2.4 arms a timer with a negative delay on Node 24 (harmless, clamped to 1 ms).
            execArgv: ['--disable-warning=TimeoutNegativeWarning'],
          },
        },
      ],
    },
  });
}
