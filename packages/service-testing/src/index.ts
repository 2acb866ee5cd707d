/**
 * One service started in-process for its integration tests. Its own package because it uses
 * @autoverify/messaging, whose own tests use @autoverify/testing.
 */
import type {
  RunningService,
  ServiceClient,
  ServiceDefinition,
  ServiceEnv,
  TxOf,
} from '@autoverify/service-kit';
import { type DefinedServiceUnderTestOptions, startDefinedService } from './defined.ts';
import { type ServiceUnderTest, type ServiceUnderTestOptions, startHarness } from './harness.ts';

export type { DefinedServiceUnderTestOptions } from './defined.ts';
export type {
  ServiceUnderTest,
  ServiceUnderTestOptions,
  StartContext,
  TestEnvelope,
  TestInfrastructure,
} from './harness.ts';

/**
 * `startServiceUnderTest(reminderService, { serviceDir, tenants, clock })`: the service's definition,
 * started as main.ts starts it, on a fresh database, a Kafka namespace of its own and (optionally) the
 * sandbox. `h.service` is the running service (app, db, jobs, url); `h.stop()` takes everything down.
 */
export function startServiceUnderTest<
  Env extends ServiceEnv,
  Client extends ServiceClient,
  Options extends object,
>(
  definition: ServiceDefinition<Env, Client, Options>,
  options: DefinedServiceUnderTestOptions<Options>,
): Promise<ServiceUnderTest<RunningService<TxOf<Client>>>>;
/** The infrastructure with a `start` of the test's own (services not yet defined with defineService). */
export function startServiceUnderTest<T>(options: ServiceUnderTestOptions<T>): Promise<ServiceUnderTest<T>>;
export function startServiceUnderTest(
  first: ServiceDefinition<ServiceEnv, ServiceClient, object> | ServiceUnderTestOptions<unknown>,
  second?: DefinedServiceUnderTestOptions<object>,
): Promise<ServiceUnderTest<unknown>> {
  if (second)
    return startDefinedService(first as ServiceDefinition<ServiceEnv, ServiceClient, object>, second);
  return startHarness(first as ServiceUnderTestOptions<unknown>);
}
