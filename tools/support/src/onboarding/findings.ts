/**
 * What the onboarding check found, one line each: `fail` blocks going live, `note` is worth knowing, `ok` is
 * fine. Every failure says what to do about it.
 */
export type Level = 'ok' | 'note' | 'fail';

export interface Finding {
  level: Level;
  /** What was checked: "secrets", "entrata", "property 100200", "verification platform". */
  area: string;
  message: string;
  /** What a person can do about it (failures and notes). */
  fix?: string;
}

export const ok = (area: string, message: string): Finding => ({ level: 'ok', area, message });
export const note = (area: string, message: string, fix?: string): Finding => ({
  level: 'note',
  area,
  message,
  ...(fix ? { fix } : {}),
});
export const fail = (area: string, message: string, fix: string): Finding => ({
  level: 'fail',
  area,
  message,
  fix,
});

const MARK: Record<Level, string> = { ok: 'ok  ', note: 'note', fail: 'FAIL' };

/** The report as a person reads it in a terminal, grouped by area in the order checked. */
export function formatFindings(tenant: string, findings: readonly Finding[]): string {
  const lines = [`Onboarding check of tenant "${tenant}"`];
  let area: string | undefined;
  for (const f of findings) {
    if (f.area !== area) {
      area = f.area;
      lines.push('', `${area}:`);
    }
    lines.push(`  ${MARK[f.level]}  ${f.message}`);
    if (f.fix && f.level !== 'ok') lines.push(`        -> ${f.fix}`);
  }
  const failures = findings.filter((f) => f.level === 'fail').length;
  const notes = findings.filter((f) => f.level === 'note').length;
  lines.push(
    '',
    failures === 0
      ? `Ready: nothing blocks going live${notes ? ` (${notes} note${notes === 1 ? '' : 's'} above)` : ''}.`
      : `NOT READY: ${failures} problem${failures === 1 ? '' : 's'} to fix (FAIL above) before going live.`,
  );
  return lines.join('\n');
}

export const hasFailures = (findings: readonly Finding[]) => findings.some((f) => f.level === 'fail');
