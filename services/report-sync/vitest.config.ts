import { defineConfig } from 'vitest/config';

// Integration tests wait for jobs with backoff, the outbox relay and Kafka: allow more than vitest's 5 s default.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
