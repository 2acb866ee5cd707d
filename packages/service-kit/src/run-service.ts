import { loadEnv, loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { type Lifecycle, type RunServiceOptions, runLifecycle } from './lifecycle.ts';
import type { AnyServiceDefinition, ServiceEnv } from './service.ts';
import { startService } from './start-service.ts';

/**
 * main.ts of every service: `runService(reminderService)`. Reads and validates the environment, loads the
 * tenants file, starts the service, and owns the lifecycle: start-up errors on one line (exit 1), SIGTERM /
 * SIGINT run the stop hooks in reverse order of starting.
 */
export function runService(definition: AnyServiceDefinition, options?: RunServiceOptions): void;
/** The lifecycle alone, for a process that is not a defined service (a tool, a test fixture). */
export function runService(
  name: string,
  main: (lifecycle: Lifecycle) => Promise<void>,
  options?: RunServiceOptions,
): void;
export function runService(
  first: AnyServiceDefinition | string,
  second?: ((lifecycle: Lifecycle) => Promise<void>) | RunServiceOptions,
  third?: RunServiceOptions,
): void {
  if (typeof first === 'string') {
    if (typeof second !== 'function') throw new TypeError('runService(name, main): main must be a function');
    runLifecycle(first, second, third);
    return;
  }
  const definition = first;
  runLifecycle(
    definition.name,
    async (lifecycle) => {
      // defineService checked at compile time that the schema yields a ServiceEnv.
      const env = loadEnv(definition.env) as unknown as ServiceEnv;
      const logger = createLogger({ service: definition.name, level: env.LOG_LEVEL });
      // Only the kinds of tenant secrets the service declared are checked (and later read).
      const tenants = env.TENANTS_FILE
        ? loadTenants(env.TENANTS_FILE, process.env, { secrets: definition.tenantSecrets ?? [] })
        : undefined;
      await startService(definition, {
        env,
        ...(tenants ? { tenants } : {}),
        logger,
        onStop: (name, stop) => lifecycle.onStop(name, stop),
      });
    },
    typeof second === 'object' ? second : {},
  );
}
