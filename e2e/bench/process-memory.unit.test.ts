import { describe, expect, it } from 'vitest';
import { parseStatus, readMemory } from './process-memory.ts';

describe('process memory', () => {
  it('reads VmRSS and VmHWM (kB) as MiB', () => {
    const status =
      'Name:\tnode\nVmPeak:\t 1234567 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseStatus(status)).toEqual({ rssMb: 100, hwmMb: 200 });
  });

  it('names the missing line', () => {
    expect(() => parseStatus('Name:\tkthreadd\n')).toThrow('/proc status has no VmRSS line');
  });

  it('reads this very process', () => {
    const memory = readMemory(process.pid);
    expect(memory.rssMb).toBeGreaterThan(10);
    expect(memory.hwmMb).toBeGreaterThanOrEqual(memory.rssMb);
  });
});
