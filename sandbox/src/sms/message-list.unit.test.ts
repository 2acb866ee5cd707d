import { describe, expect, it } from 'vitest';
import { type ListQuery, listMessages, parseDay, parseInstant, parseListQuery } from './message-list.ts';
import type { MessageStatus, SmsMessage } from './store.ts';

const ACCOUNT = 'AC1';
const BASE = '/2010-04-01/Accounts/AC1/Messages.json';

let n = 0;
const message = (overrides: Partial<SmsMessage> & { sentAt?: string; status?: MessageStatus } = {}) => {
  const { sentAt, ...rest } = overrides;
  const createdAt = sentAt ?? '2026-11-24T10:00:00.000Z';
  const status = rest.status ?? 'delivered';
  return {
    sid: `SM${(n++).toString(16).padStart(32, '0')}`,
    accountSid: ACCOUNT,
    direction: 'outbound-api',
    from: '+15005550006',
    to: '+13035550100',
    messagingServiceSid: null,
    body: 'hi',
    status,
    statusHistory: [{ status, at: createdAt }],
    errorCode: null,
    createdAt,
    ...rest,
  } satisfies SmsMessage;
};

const parse = (query: Record<string, unknown>): ListQuery => {
  const parsed = parseListQuery(query);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.query;
};

const page = (all: SmsMessage[], query: Record<string, unknown>) => {
  const result = listMessages(all, ACCOUNT, parse(query), BASE);
  if (!result.ok) throw new Error(result.message);
  return result.page;
};

describe('date parsing', () => {
  it('reads days as midnight GMT and refuses impossible ones', () => {
    expect(parseDay('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
    expect(parseDay('2026-02-30')).toBeUndefined();
    expect(parseDay('2026-11-24T00:00:00Z')).toBeUndefined();
  });

  it('reads ISO 8601 (GMT without an offset) and RFC 2822 date-times', () => {
    const t = Date.UTC(2026, 10, 24, 10, 0, 0);
    expect(parseInstant('2026-11-24T10:00:00Z')).toBe(t);
    expect(parseInstant('2026-11-24T10:00:00')).toBe(t);
    expect(parseInstant('2026-11-24T03:00:00-07:00')).toBe(t);
    expect(parseInstant('Tue, 24 Nov 2026 10:00:00 +0000')).toBe(t);
    expect(parseInstant('24 Nov 2026 03:00:00 -0700')).toBe(t);
    for (const bad of ['yesterday', '2026', '1', '2026-13-01T00:00:00Z', '2026-11-24 10:00'])
      expect(parseInstant(bad), bad).toBeUndefined();
  });
});

describe('parseListQuery', () => {
  it('defaults to page 0 of 50 and keeps the filters for the page URIs', () => {
    const q = parse({ To: '+13035550100', 'DateSent>': '2026-11-23', Other: 'x' });
    expect(q).toMatchObject({ to: '+13035550100', pageSize: 50, page: 0, sentFrom: Date.UTC(2026, 10, 23) });
    expect(q.filters).toEqual([
      ['To', '+13035550100'],
      ['DateSent>', '2026-11-23'],
    ]);
  });

  it('makes an exact DateSent the whole day', () => {
    const q = parse({ DateSent: '2026-11-24' });
    expect(q.sentFrom).toBe(Date.UTC(2026, 10, 24));
    expect(q.sentUntil).toBe(Date.UTC(2026, 10, 25) - 1);
  });

  it('reports every bad parameter at once', () => {
    const parsed = parseListQuery({
      DateSent: '24/11/2026',
      'DateSent<': 'soon',
      PageSize: '1001',
      Page: '-1',
      PageToken: 'x',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    for (const name of ['DateSent "', 'DateSent< "soon"', 'PageSize "1001"', 'Page "-1"', 'PageToken "x"'])
      expect(parsed.message).toContain(name);
    expect(parseListQuery({ PageSize: '0' }).ok).toBe(false);
    expect(parseListQuery({ PageSize: '1000' }).ok).toBe(true);
  });
});

describe('listMessages', () => {
  it('lists only the account, newest first, filtered by To and From', () => {
    const a = message({ to: '+13035550100' });
    const b = message({ to: '+13035550199' });
    const c = message({ to: '+13035550100', from: '+15005550007' });
    const other = message({ accountSid: 'AC2' });
    const all = [a, b, c, other];
    expect(page(all, {}).messages.map((m) => m.sid)).toEqual([c.sid, b.sid, a.sid]);
    expect(page(all, { To: '+13035550100' }).messages).toEqual([c, a]);
    expect(page(all, { To: '+13035550100', From: '+15005550006' }).messages).toEqual([a]);
  });

  it('filters by sent date: exact day, inclusive inequalities, and never an unsent message', () => {
    const before = message({ sentAt: '2026-11-23T23:59:59.999Z' });
    const midnight = message({ sentAt: '2026-11-24T00:00:00.000Z' });
    const later = message({ sentAt: '2026-11-24T18:00:00.000Z' });
    const next = message({ sentAt: '2026-11-25T00:00:00.000Z' });
    const queued = message({ sentAt: '2026-11-24T12:00:00.000Z', status: 'queued' });
    const all = [before, midnight, queued, later, next];
    const sids = (q: Record<string, unknown>) => page(all, q).messages.map((m) => m.sid);
    expect(sids({ DateSent: '2026-11-24' })).toEqual([later.sid, midnight.sid]);
    expect(sids({ 'DateSent>': '2026-11-24' })).toEqual([next.sid, later.sid, midnight.sid]);
    expect(sids({ 'DateSent<': '2026-11-24' })).toEqual([midnight.sid, before.sid]);
    expect(
      sids({ 'DateSent>': '2026-11-24T00:00:01Z', 'DateSent<': 'Tue, 24 Nov 2026 18:00:00 +0000' }),
    ).toEqual([later.sid]);
    expect(sids({})).toContain(queued.sid);
  });

  it('pages with cursors, start/end and URIs that keep the filters', () => {
    const all = Array.from({ length: 5 }, () => message());
    const newest = [...all].reverse();
    const first = page(all, { To: '+13035550100', 'DateSent>': '2026-11-01', PageSize: '2' });
    expect(first).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
    expect(first.messages).toEqual(newest.slice(0, 2));
    expect(first.uri).toBe(`${BASE}?To=%2B13035550100&DateSent%3E=2026-11-01&PageSize=2&Page=0`);
    expect(first.first_page_uri).toBe(first.uri);
    expect(first.next_page_uri).toBe(
      `${BASE}?To=%2B13035550100&DateSent%3E=2026-11-01&PageSize=2&Page=1&PageToken=PA${newest[1]?.sid}`,
    );

    const follow = (uri: string) =>
      page(all, Object.fromEntries(new URL(uri, 'http://x').searchParams.entries()));
    const second = follow(first.next_page_uri ?? '');
    expect(second).toMatchObject({ page: 1, start: 2, end: 3 });
    expect(second.messages).toEqual(newest.slice(2, 4));
    // A message arriving now does not shift the pages already being walked.
    all.push(message());
    const third = follow(second.next_page_uri ?? '');
    expect(third).toMatchObject({ page: 2, start: 4, end: 4, next_page_uri: null });
    expect(third.messages).toEqual(newest.slice(4));
    expect(follow(third.previous_page_uri ?? '').messages).toEqual(newest.slice(2, 4));

    expect(page(all, { PageSize: '2', Page: '1' }).messages).toEqual([...all].reverse().slice(2, 4));
  });

  it('answers an empty page for no matches and refuses a cursor to an unknown message', () => {
    expect(page([], {})).toMatchObject({ messages: [], start: 0, end: 0, next_page_uri: null });
    const result = listMessages([], ACCOUNT, parse({ PageToken: `PA${message().sid}` }), BASE);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('unknown message') });
  });
});
