import type { ServiceName } from '@autoverify/contracts';

/** ingest runs as deployed: a web process (SERVICE_ROLE=web, at the service's port) and this worker beside it. */
const INGEST_WORKER = 'ingest-worker';

/** A process of the stack: a service (ingest's web process), ingest's worker, the support console or the sandbox. */
export type StackProcess = ServiceName | typeof INGEST_WORKER | 'sandbox' | 'support';

/** Where each service listens: the stack's port base plus this. */
export const portOffset: Record<ServiceName, number> = {
  ingest: 1,
  invite: 2,
  reminder: 3,
  notify: 4,
  'report-sync': 5,
};
export const SUPPORT_PORT_OFFSET = 6;
const INGEST_WORKER_PORT_OFFSET = 7;

/** The processes of a service, each with its SERVICE_ROLE and port offset: ingest split, the others whole. */
export function processesOf(
  service: ServiceName,
): { name: StackProcess; role: string; portOffset: number }[] {
  if (service !== 'ingest') return [{ name: service, role: 'all', portOffset: portOffset[service] }];
  return [
    { name: service, role: 'web', portOffset: portOffset[service] },
    { name: INGEST_WORKER, role: 'worker', portOffset: INGEST_WORKER_PORT_OFFSET },
  ];
}
