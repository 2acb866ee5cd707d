import type { DrillResult } from './drill.ts';
import { failed } from './drill.ts';

const columns = [
  'drill',
  'applications',
  'faults injected',
  'lost',
  'duplicated',
  'emails re-sent (same Message-ID)',
  'visible failures',
  'reminders after completion',
  'checks',
  'recovered',
  'time to recover',
] as const;

/** The summary of the drills as a Markdown table (readable in a terminal, pasteable into the README). */
export function summaryTable(results: DrillResult[]): string {
  const rows = results.map((r) => [
    r.drill,
    String(r.outcome.applications),
    r.faults.length === 0 ? '-' : r.faults.join('; '),
    String(r.outcome.lost),
    String(r.outcome.duplicated),
    String(r.outcome.resentSameMessageId.length),
    String(r.outcome.visibleFailures),
    remindersAfterCompletion(r),
    r.checks.length === 0 ? '-' : `${r.checks.filter((c) => c.ok).length}/${r.checks.length}`,
    r.error ? `no (${r.error})` : r.recovered ? 'yes' : 'no',
    r.timeToRecoverMs === undefined ? '-' : `${(r.timeToRecoverMs / 1000).toFixed(1)} s`,
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The lines explaining a failed drill: what was lost or duplicated, which checks failed. */
export function failureDetails(result: DrillResult): string[] {
  if (!failed(result)) return [];
  return [
    ...(result.error ? [`error: ${result.error}`] : []),
    ...(!result.recovered && !result.error ? ['did not catch up within the recovery time-out'] : []),
    ...result.checks.filter((c) => !c.ok).map((c) => `check failed: ${c.name}: ${c.detail}`),
    ...result.outcome.problems.slice(0, 10),
    ...(result.outcome.problems.length > 10 ? [`... and ${result.outcome.problems.length - 10} more`] : []),
    `service output: ${result.logFile}`,
  ];
}

/** "3 (0 known)": delivered after the applicant completed, of which requested after the reminder service knew. */
function remindersAfterCompletion(r: DrillResult): string {
  const { remindersAfterCompletion: known, remindersBeforeCompletionKnown: unaware } = r.outcome;
  return `${known + unaware} (${known} known)`;
}
