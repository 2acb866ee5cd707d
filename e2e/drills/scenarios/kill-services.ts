import { setTimeout as sleep } from 'node:timers/promises';
import { serviceNames } from '@autoverify/contracts';
import type { Drill } from '../drill.ts';

/** Each of the five services in turn: kill -9 mid-stream, down for a few seconds, started again. */
export function killServices({ downMs = 3000, services = [...serviceNames] } = {}): Drill {
  return {
    name: 'kill-services',
    description: `kill -9 ${services.join(', ')} one after another, each down ${downMs / 1000} s`,
    async inject({ stack, fault }) {
      for (const service of services) {
        fault(`kill -9 ${service}`);
        await stack.kill(service, 'SIGKILL');
        await sleep(downMs);
        await stack.start(service);
      }
    },
  };
}
