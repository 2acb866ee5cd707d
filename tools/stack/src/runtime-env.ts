/**
 * The memory settings every service process runs with, here as in the image (the Dockerfile's ENV sets
 * the same; runtime-env.unit.test.ts keeps them equal). Measured in e2e/bench/README.md, 2026-12-06:
 * - `--max-semi-space-size=8`: V8's young generation grows to 2 x 32 MiB during start-up (module
 *   compilation) and keeps that size until the process idles; 8 MiB semi-spaces keep it at 16.
 * - `MALLOC_ARENA_MAX=2`: glibc gives every thread that allocates (V8's and libuv's workers) an arena of
 *   its own, each holding freed memory.
 */
export const memoryNodeOptions = '--max-semi-space-size=8';
export const memoryEnv = { MALLOC_ARENA_MAX: '2' } as const;

/**
 * The arguments `node` runs a service or the support console with, in its folder, here as in the image's
 * CMD (runtime-env.unit.test.ts keeps them equal): the JavaScript `infra/image/build-app.ts compile` wrote
 * to dist/, with the workspace packages' dist/ picked by the `autoverify-compiled` export condition. Type
 * stripping at run time would cost every process ~17 MiB (Node's amaro: its WASM and its source).
 */
export const serviceNodeArgs = [
  '--conditions=autoverify-compiled',
  '--import',
  '@autoverify/telemetry/register',
  'dist/main.js',
];

/** The environment a service or the support console starts with: the memory settings, after the caller's NODE_OPTIONS. */
export function runtimeEnv(
  inherited: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const nodeOptions = [inherited.NODE_OPTIONS, memoryNodeOptions].filter(Boolean).join(' ');
  return { ...memoryEnv, NODE_OPTIONS: nodeOptions };
}
