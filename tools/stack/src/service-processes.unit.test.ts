import { serviceNames } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { processesOf, SUPPORT_PORT_OFFSET } from './service-processes.ts';

describe('processesOf', () => {
  it('runs ingest as a web process on its port and a worker beside it', () => {
    expect(processesOf('ingest')).toEqual([
      { name: 'ingest', role: 'web', portOffset: 1 },
      { name: 'ingest-worker', role: 'worker', portOffset: 7 },
    ]);
  });

  it('runs every other service as one process doing everything', () => {
    for (const service of serviceNames.filter((s) => s !== 'ingest'))
      expect(processesOf(service)).toEqual([{ name: service, role: 'all', portOffset: expect.any(Number) }]);
  });

  it('gives every process a port of its own', () => {
    const ports = [...serviceNames.flatMap(processesOf).map((p) => p.portOffset), SUPPORT_PORT_OFFSET];
    expect(new Set(ports).size).toBe(ports.length);
  });
});
