import { describe, expect, it } from 'vitest';
import { attemptsText, deadLetterLabel, skipsText, timelineText } from './format.ts';

const event = (type: string, payload: Record<string, unknown>) => ({
  occurredAt: '2026-11-24T10:00:00.000Z',
  service: 'invite',
  type,
  outcome: 'ok',
  traceId: null,
  summary: '',
  replay: null,
  payload,
});

describe('support CLI output', () => {
  it('the timeline says which applicant each event is about', () => {
    const text = timelineText({
      applicationId: 'app',
      masked: true,
      events: [
        event('ApplicationSubmitted', { applicants: [{}, {}] }),
        event('InviteSent', { applicantId: '11111111-aaaa-4aaa-8aaa-000000000001' }),
        event('InviteSent', { applicantId: '22222222-aaaa-4aaa-8aaa-000000000002' }),
      ],
    });
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^time\s+service\s+applicant\s+event/);
    expect(lines[4]).toMatch(/invite\s+2 applicants\s+ApplicationSubmitted/);
    expect(lines[5]).toMatch(/invite\s+11111111\s+InviteSent/);
    expect(lines[6]).toMatch(/invite\s+22222222\s+InviteSent/);
  });

  it('names a dead letter that is not an event by where it is', () => {
    const at = { consumer: 'notify', partition: 2, offset: '41' };
    expect(deadLetterLabel({ ...at, eventType: 'InviteSent', eventId: 'e-1' })).toBe('InviteSent e-1');
    expect(deadLetterLabel({ ...at, eventType: null, eventId: null })).toBe(
      'the message at notify/2/41 (not an event)',
    );
  });

  it('says "never tried" for a dead letter refused before any handler ran', () => {
    expect(attemptsText(0)).toBe('never tried');
    expect(attemptsText(3)).toBe('3');
    expect(attemptsText(null)).toBe('');
  });

  it('prints per consumer what a replay will skip and process, and a consumer that did not answer as unknown', () => {
    const text = skipsText([
      { consumer: 'invite', willSkip: 1, willProcess: [] },
      { consumer: 'reminder', willSkip: 1, willProcess: ['e-2', 'e-3'] },
      {
        consumer: 'notify',
        willSkip: 0,
        willProcess: [],
        error: 'notify did not answer at http://notify:3004',
      },
    ]);
    expect(text).toMatch(/invite\s+1\s+nothing/);
    expect(text).toMatch(/reminder\s+1\s+e-2, e-3/);
    expect(text).toMatch(/notify\s+unknown\s+service did not answer: notify did not answer/);
  });
});
