/**
 * One image, two kinds of process (docs/architecture.md "Web and worker processes"): SERVICE_ROLE (commonEnv,
 * validated at start-up) says which parts of a service this process runs. A web process answers HTTP and so
 * keeps its event loop free for the ack; a worker does the work the routes stored or queued.
 */
export type ServiceRole = 'all' | 'web' | 'worker';

export interface RoleParts {
  /** The service's routes and the admin routes (outbox, inbox). Health, readiness and metrics always. */
  routes: boolean;
  /** The Kafka consumer, job workers, background loops and the outbox relay (with Kafka and its LISTEN). */
  work: boolean;
}

/**
 * What a process of `role` starts. A web process still writes what its routes need (rows, outbox events, jobs
 * in their transaction): the outbox insert and pg-boss's send NOTIFY at commit, which wakes the worker's relay
 * and job workers in the other process.
 */
export function partsOfRole(role: ServiceRole = 'all'): RoleParts {
  return { routes: role !== 'worker', work: role !== 'web' };
}
