import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInput } from '../../src/sandbox-client.ts';
import type { Drill } from '../drill.ts';

/** One provider failing in several ways, one after another, each for a period (the sandbox ends it). */
function providerDrill(name: string, description: string, phases: FaultInput[][]): Drill {
  return {
    name,
    description,
    async inject({ sandbox, fault }) {
      for (const phase of phases) {
        for (const input of phase) {
          await sandbox.addFault(input);
          fault(describe(input));
        }
        await sleep(Math.max(...phase.map((f) => f.durationMs ?? 0)));
      }
      await sandbox.clearFaults();
    },
  };
}

function describe(f: FaultInput): string {
  const what =
    f.kind === 'http_error'
      ? `HTTP ${f.status ?? 503}`
      : f.kind === 'rate_limit'
        ? `429 Retry-After ${f.retryAfterSeconds ?? 1} s`
        : f.kind === 'delay'
          ? `${(f.delayMs ?? 0) / 1000} s delay (time-outs)`
          : f.kind;
  return `${f.target} ${what} for ${(f.durationMs ?? 0) / 1000} s`;
}

export const entrataFaults = ({ periodMs = 8000 } = {}): Drill =>
  providerDrill(
    'entrata-faults',
    'the Entrata API answering 5xx, then 429 with Retry-After, then timing out',
    [
      [{ target: 'entrata', kind: 'http_error', status: 503, durationMs: periodMs }],
      [{ target: 'entrata', kind: 'rate_limit', retryAfterSeconds: 2, durationMs: periodMs }],
      // Longer than the Entrata client's 15 s header time-out.
      [{ target: 'entrata', kind: 'delay', delayMs: 17_000, durationMs: periodMs / 2 }],
    ],
  );

export const platformFaults = ({ periodMs = 8000 } = {}): Drill =>
  providerDrill(
    'platform-faults',
    'the verification platform answering 5xx, then 429 with Retry-After, then timing out',
    [
      [{ target: 'platform', kind: 'http_error', status: 503, durationMs: periodMs }],
      [{ target: 'platform', kind: 'rate_limit', retryAfterSeconds: 2, durationMs: periodMs }],
      // Longer than the platform client's 10 s time-out: a created group whose answer never arrived.
      [{ target: 'platform', kind: 'delay', delayMs: 12_000, durationMs: periodMs / 2 }],
    ],
  );

export const messagingFaults = ({ periodMs = 8000 } = {}): Drill =>
  providerDrill(
    'messaging-faults',
    'the SMS provider answering 5xx then 429, the email server refusing temporarily',
    [
      [
        { target: 'sms', kind: 'http_error', status: 503, durationMs: periodMs },
        { target: 'email', kind: 'smtp_temporary', durationMs: periodMs },
      ],
      [
        { target: 'sms', kind: 'rate_limit', retryAfterSeconds: 2, durationMs: periodMs },
        { target: 'email', kind: 'smtp_temporary', durationMs: periodMs },
      ],
    ],
  );
