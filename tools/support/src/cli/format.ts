/** Plain-text tables for a terminal: columns padded to their widest cell. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(cells[0] as string[]),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.slice(1).map(line),
  ].join('\n');
}

interface TimelineEvent {
  occurredAt: string;
  service: string;
  type: string;
  outcome: string;
  traceId: string | null;
  summary: string;
  replay: { replayId: string } | null;
}

export function timelineText(body: {
  applicationId: string;
  masked: boolean;
  events: TimelineEvent[];
}): string {
  if (body.events.length === 0)
    return `No events for application ${body.applicationId}. (Not submitted yet, the id is wrong, or the support consumer is behind.)`;
  const rows = body.events.map((e) => [
    e.occurredAt,
    e.service,
    e.type,
    e.outcome === 'failed' ? 'FAILED' : e.outcome,
    e.traceId ?? '-',
    `${e.summary}${e.replay ? ` (replayed by ${e.replay.replayId.slice(0, 8)})` : ''}`,
  ]);
  const failed = body.events.filter((e) => e.outcome === 'failed').length;
  return [
    `Application ${body.applicationId}: ${body.events.length} events${failed ? `, ${failed} failed` : ''}${body.masked ? ' (personal data masked)' : ' (UNMASKED: this read was audited)'}`,
    '',
    table(['time', 'service', 'event', 'outcome', 'trace id', 'details'], rows),
  ].join('\n');
}
