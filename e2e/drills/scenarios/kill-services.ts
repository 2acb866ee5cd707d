import { setTimeout as sleep } from 'node:timers/promises';
import { type ServiceName, serviceNames } from '@autoverify/contracts';
import type { Drill } from '../drill.ts';

/**
 * Each service in turn, spread over the stream: kill -9, down a few seconds, started again. A restart
 * is not awaited before the next kill (a restarted consumer may wait for its dead predecessor's Kafka
 * session to expire), so two services can be down at once; all are awaited before the fault is over.
 */
export function killServices({
  downMs = 3000,
  services = [...serviceNames] as ServiceName[],
}: {
  downMs?: number;
  services?: ServiceName[];
} = {}): Drill {
  return {
    name: services.length === serviceNames.length ? 'kill-services' : `kill-${services.join('-')}`,
    description: `kill -9 ${services.join(', ')} one after another mid-stream, each down ${downMs / 1000} s before it is started again`,
    async inject({ stack, fault, streamed, log }) {
      const restarts: Promise<void>[] = [];
      for (const [i, service] of services.entries()) {
        // From a quarter to three quarters of the stream.
        await streamed(0.25 + (0.5 * i) / Math.max(1, services.length - 1));
        fault(`kill -9 ${service}`);
        await stack.kill(service, 'SIGKILL');
        await sleep(downMs);
        const from = Date.now();
        restarts.push(
          stack
            .start(service)
            .then(() =>
              log(`${service} ready again ${((Date.now() - from) / 1000).toFixed(1)} s after its start`),
            ),
        );
      }
      await Promise.all(restarts);
    },
  };
}
