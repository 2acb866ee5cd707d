/**
 * The fast one of the failure drills (`make drills` runs them all, for minutes): notify killed with
 * kill -9 while a stream of applications is being invited, then started again. Runs a stack of its own
 * (1000 ports above the suite's E2E_PORT_BASE), since it kills one of its processes.
 */
import { describe, expect, it } from 'vitest';
import { failed, runDrill } from '../drills/drill.ts';
import { killServices } from '../drills/scenarios/kill-services.ts';
import { failureDetails } from '../drills/summary.ts';
import { e2ePortBase } from '../src/context.ts';

describe('drill: kill -9 of notify mid-stream', () => {
  // Its own stack first: starting five services may take up to stack's 300 s on a loaded machine, then the
  // drill itself with up to 120 s of recovery.
  it('ends with every invite and report delivered exactly once', { timeout: 600_000 }, async () => {
    const result = await runDrill(killServices({ services: ['notify'], downMs: 1000 }), {
      applications: 10,
      rate: 5,
      portBase: e2ePortBase() + 1000,
      recoveryTimeoutMs: 120_000,
      awaitReminders: false,
      log: () => {},
    });
    expect(failed(result), failureDetails(result).join('\n')).toBe(false);
    expect(result.faults).toEqual(['kill -9 notify']);
    expect(result.outcome.deliveredInvites).toBe(result.outcome.expectedInvites);
    expect(result.outcome.expectedInvites).toBe(30);
    expect(result.outcome.presentDocuments).toBe(result.outcome.expectedDocuments);
    expect(result.outcome.expectedDocuments).toBeGreaterThan(0);
  });
});
