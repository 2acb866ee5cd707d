import { defineConfig } from 'vitest/config';

// Integration tests run the WASM schema engine against a real PostgreSQL server: allow for a slow,
// shared 2-core machine.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
