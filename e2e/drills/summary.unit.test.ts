import { describe, expect, it } from 'vitest';
import type { DrillResult } from './drill.ts';
import { failureDetails, summaryTable } from './summary.ts';

const result = (overrides: Partial<DrillResult> = {}): DrillResult => ({
  drill: 'kill-services',
  outcome: {
    applications: 200,
    expectedInvites: 600,
    deliveredInvites: 600,
    reminders: 300,
    expectedDocuments: 150,
    presentDocuments: 150,
    lost: 0,
    duplicated: 0,
    visibleFailures: 0,
    remindersAfterCompletion: 0,
    remindersBeforeCompletionKnown: 0,
    remindersInFlightAtCompletion: 0,
    resentSameMessageId: [],
    problems: [],
    visible: [],
  },
  faults: ['kill -9 ingest', 'kill -9 invite'],
  checks: [],
  recovered: true,
  timeToRecoverMs: 12_345,
  logFile: '/tmp/services.log',
  ...overrides,
});

describe('summaryTable', () => {
  it('prints one aligned Markdown row per drill', () => {
    const table = summaryTable([result()]).split('\n');
    expect(table[0]).toMatch(/^\| drill +\| applications \| faults injected +\| lost \| duplicated \|/);
    expect(table[2]).toContain('| kill-services | 200          | kill -9 ingest; kill -9 invite |');
    expect(table[2]).toContain('| yes       | 12.3 s          |');
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });
});

describe('failureDetails', () => {
  it('is empty for a drill that passed', () => {
    expect(failureDetails(result())).toEqual([]);
  });

  it('says what was lost and which check failed', () => {
    const details = failureDetails(
      result({
        checks: [{ name: 'ingest answers 503', ok: false, detail: 'HTTP 500' }],
        outcome: { ...result().outcome, lost: 1, problems: ['lost: application 7: income invite by sms'] },
      }),
    );
    expect(details).toEqual([
      'check failed: ingest answers 503: HTTP 500',
      'lost: application 7: income invite by sms',
      'service output: /tmp/services.log',
    ]);
  });
});
