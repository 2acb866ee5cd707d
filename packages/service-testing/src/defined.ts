import { loadEnv } from '@autoverify/config';
import {
  type Clock,
  type RunningService,
  type ServiceClient,
  type ServiceDefinition,
  type ServiceEnv,
  startService,
  type TxOf,
} from '@autoverify/service-kit';
import {
  type ServiceUnderTest,
  type ServiceUnderTestOptions,
  startHarness,
  type TestInfrastructure,
} from './harness.ts';

export interface DefinedServiceUnderTestOptions<Options>
  extends Omit<ServiceUnderTestOptions<unknown>, 'start' | 'name'> {
  /**
   * The service's own variables (SMTP_URL, secrets) over the common ones the harness sets (DATABASE_URL,
   * KAFKA_*, PORT 0, HOST, LOG_LEVEL, TENANTS_FILE); a function when they need the sandbox's address.
   */
  env?: Record<string, string> | ((infra: TestInfrastructure) => Record<string, string>);
  /** The time the service's use cases see (default: the real clock). */
  clock?: Clock;
  /** Merged over the definition's options (short waits, small limits). */
  options?: Partial<Options>;
  /** Listen on HOST:PORT as in production (default true); false: use `service.app.inject`. */
  listen?: boolean;
  /** How often idle job workers poll (default 0.5 s, so jobs whose NOTIFY was missed start soon). */
  jobPollingSeconds?: number;
}

/** Starts a defined service in-process exactly as runService does, inside the test infrastructure. */
export function startDefinedService<
  Env extends ServiceEnv,
  Client extends ServiceClient,
  Options extends object,
>(
  definition: ServiceDefinition<Env, Client, Options>,
  options: DefinedServiceUnderTestOptions<Options>,
): Promise<ServiceUnderTest<RunningService<TxOf<Client>>>> {
  const { env: extraEnv, clock, options: serviceOptions, listen, jobPollingSeconds, ...harness } = options;
  return startHarness({
    ...harness,
    name: definition.name,
    start: (ctx) => {
      const extra = typeof extraEnv === 'function' ? extraEnv(ctx) : (extraEnv ?? {});
      // Same validation as in production: a variable the test forgot fails here with the schema's message.
      const env = loadEnv(definition.env, { ...ctx.env, ...extra }) as unknown as Env;
      return startService(definition, {
        env,
        ...(options.tenants ? { tenants: ctx.tenants } : {}),
        logger: ctx.logger,
        onStop: ctx.onStop,
        ...(clock ? { clock } : {}),
        ...(serviceOptions ? { options: serviceOptions } : {}),
        ...(listen === false ? { listen: false } : {}),
        jobPollingSeconds: jobPollingSeconds ?? 0.5,
      });
    },
  });
}
