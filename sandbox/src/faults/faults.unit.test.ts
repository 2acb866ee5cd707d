import { describe, expect, it } from 'vitest';
import { FaultInjector } from './faults.ts';

describe('FaultInjector', () => {
  it('applies a counted fault to matching calls only, then forgets it', () => {
    const faults = new FaultInjector();
    faults.add({ target: 'entrata', kind: 'http_error', match: 'leases/', count: 2 });
    expect(faults.take('entrata', ['http_error'], 'leads/getLeads')).toBeUndefined();
    expect(faults.take('sms', ['http_error'], 'leases/x')).toBeUndefined();
    expect(faults.take('entrata', ['http_error'], 'leases/getLeases')?.hits).toBe(1);
    expect(faults.take('entrata', ['http_error'], 'leases/getLeases')?.hits).toBe(2);
    expect(faults.take('entrata', ['http_error'], 'leases/getLeases')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('ignores kinds the caller does not handle and expires timed faults', async () => {
    const faults = new FaultInjector();
    faults.add({ target: 'platform', kind: 'truncated_pdf' });
    expect(faults.take('platform', ['http_error', 'delay'], 'GET /x')).toBeUndefined();
    expect(faults.take('platform', ['truncated_pdf'], 'GET /x')).toBeDefined();
    faults.add({ target: 'email', kind: 'smtp_temporary', durationMs: 20 });
    expect(faults.take('email', ['smtp_temporary'], 'a@b.c')).toBeDefined();
    await new Promise((r) => setTimeout(r, 30));
    expect(faults.take('email', ['smtp_temporary'], 'a@b.c')).toBeUndefined();
  });

  it('refuses kinds that do not apply to the target', () => {
    expect(() => new FaultInjector().add({ target: 'sms', kind: 'smtp_permanent' })).toThrow(
      /does not apply to sms/,
    );
  });
});
