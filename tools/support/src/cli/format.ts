import type { ConsumerSkips } from '../console/replay-skips.ts';

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
  payload?: Record<string, unknown>;
}

/**
 * Which applicant an event is about: the start of its applicant id (ids, not names: the timeline is
 * masked), or how many applicants an application event lists. Empty for application-wide events.
 */
export function applicantOf(payload: Record<string, unknown> | undefined): string {
  if (typeof payload?.applicantId === 'string') return payload.applicantId.slice(0, 8);
  if (Array.isArray(payload?.applicants))
    return `${payload.applicants.length} applicant${payload.applicants.length === 1 ? '' : 's'}`;
  return '';
}

/** How a dead letter is named in messages: its event, or its place when it is not an event. */
export function deadLetterLabel(d: {
  consumer: string;
  partition: number;
  offset: string;
  eventType: string | null;
  eventId: string | null;
}): string {
  if (d.eventType && d.eventId) return `${d.eventType} ${d.eventId}`;
  const where = `${d.consumer}/${d.partition}/${d.offset}`;
  return d.eventType ? `${d.eventType} at ${where}` : `the message at ${where} (not an event)`;
}

/** The attempts of a dead letter: 0 means it was refused before any handler ran (not JSON, invalid). */
export const attemptsText = (attempts: number | null): string =>
  attempts === null ? '' : attempts === 0 ? 'never tried' : String(attempts);

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
    applicantOf(e.payload),
    e.type,
    e.outcome === 'failed' ? 'FAILED' : e.outcome,
    e.traceId ?? '-',
    `${e.summary}${e.replay ? ` (replayed by ${e.replay.replayId.slice(0, 8)})` : ''}`,
  ]);
  const failed = body.events.filter((e) => e.outcome === 'failed').length;
  return [
    `Application ${body.applicationId}: ${body.events.length} events${failed ? `, ${failed} failed` : ''}${body.masked ? ' (personal data masked)' : ' (UNMASKED: this read was audited)'}`,
    '',
    table(['time', 'service', 'applicant', 'event', 'outcome', 'trace id', 'details'], rows),
  ].join('\n');
}

/** The dry run's answer per consumer: what it will skip as already processed, what it will process. */
export function skipsText(skips: readonly ConsumerSkips[]): string {
  return [
    'What each consumer will do (its inbox, read just now; a processed event is skipped):',
    table(
      ['consumer', 'will skip', 'will process'],
      skips.map((s) =>
        s.error
          ? [s.consumer, 'unknown', `service did not answer: ${s.error}`]
          : [s.consumer, s.willSkip, s.willProcess.length === 0 ? 'nothing' : s.willProcess.join(', ')],
      ),
    ),
  ].join('\n');
}
