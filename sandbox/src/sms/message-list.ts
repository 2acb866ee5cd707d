import { type SmsMessage, sentAt } from './store.ts';

/**
 * Twilio's Messages list (`GET /2010-04-01/Accounts/{AccountSid}/Messages.json`): query parsing, filters and
 * paging as plain functions. Twilio spells date ranges as `DateSent<` / `DateSent>` parameter names (a
 * client writing `DateSent>=2026-11-24` in a form produces the name `DateSent>` and that value).
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ListQuery {
  to?: string;
  from?: string;
  /** Inclusive bounds on date_sent, in ms. */
  sentFrom?: number;
  sentUntil?: number;
  pageSize: number;
  page: number;
  /** Twilio-style cursor: `PA<sid>` = the messages after that one, `PB<sid>` = the ones before it. */
  pageToken?: { direction: 'after' | 'before'; sid: string; raw: string };
  /** The filters as the caller wrote them, echoed into the page URIs. */
  filters: [string, string][];
}

export type Parsed = { ok: true; query: ListQuery } | { ok: false; message: string };

const first = (v: unknown): string | undefined =>
  Array.isArray(v) ? first(v[0]) : typeof v === 'string' && v !== '' ? v : undefined;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RFC_2822 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UT|UTC)$/i;

/** Midnight GMT of a `YYYY-MM-DD` day, or undefined when it is no real date (2026-02-30). */
export function parseDay(value: string): number | undefined {
  if (!DAY.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? undefined : ms;
}

/** A `YYYY-MM-DD` day (its midnight GMT), an ISO 8601 date-time (GMT when no offset) or an RFC 2822 date. */
export function parseInstant(value: string): number | undefined {
  const day = parseDay(value);
  if (day !== undefined) return day;
  let text = value;
  if (ISO_DATE_TIME.test(value)) {
    if (parseDay(value.slice(0, 10)) === undefined) return undefined;
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) text = `${value}Z`;
  } else if (!RFC_2822.test(value)) {
    return undefined;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const nonNegativeInteger = (value: string) => (/^\d{1,9}$/.test(value) ? Number(value) : undefined);

const FILTERS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'];

/** Reads the query string; all problems come back in one message. */
export function parseListQuery(raw: Record<string, unknown>): Parsed {
  const query: ListQuery = { pageSize: DEFAULT_PAGE_SIZE, page: 0, filters: [] };
  for (const name of FILTERS) {
    const v = first(raw[name]);
    if (v !== undefined) query.filters.push([name, v]);
  }
  const problems: string[] = [];
  const value = (name: string) => first(raw[name]);

  const to = value('To');
  const from = value('From');
  if (to) query.to = to;
  if (from) query.from = from;

  const exact = value('DateSent');
  if (exact !== undefined) {
    const day = parseDay(exact);
    if (day === undefined) problems.push(`Invalid DateSent "${exact}": expected YYYY-MM-DD`);
    else {
      query.sentFrom = day;
      query.sentUntil = day + DAY_MS - 1;
    }
  }
  // Twilio: "on or before / on or after midnight on a date": both bounds inclusive, a bare day meaning 00:00.
  for (const [name, bound] of [
    ['DateSent>', 'sentFrom'],
    ['DateSent<', 'sentUntil'],
  ] as const) {
    const text = value(name);
    if (text === undefined) continue;
    const ms = parseInstant(text);
    if (ms === undefined)
      problems.push(`Invalid ${name} "${text}": expected YYYY-MM-DD, ISO 8601 or RFC 2822 date-time`);
    else
      query[bound] =
        bound === 'sentFrom' ? Math.max(ms, query.sentFrom ?? ms) : Math.min(ms, query.sentUntil ?? ms);
  }

  const pageSize = value('PageSize');
  if (pageSize !== undefined) {
    const n = nonNegativeInteger(pageSize);
    if (n === undefined || n < 1 || n > MAX_PAGE_SIZE)
      problems.push(`Invalid PageSize "${pageSize}": expected an integer from 1 to ${MAX_PAGE_SIZE}`);
    else query.pageSize = n;
  }
  const page = value('Page');
  if (page !== undefined) {
    const n = nonNegativeInteger(page);
    if (n === undefined) problems.push(`Invalid Page "${page}": expected a non-negative integer`);
    else query.page = n;
  }
  const token = value('PageToken');
  if (token !== undefined) {
    const match = /^P([AB])(SM[0-9a-f]{32})$/.exec(token);
    if (!match?.[2]) problems.push(`Invalid PageToken "${token}"`);
    else query.pageToken = { direction: match[1] === 'A' ? 'after' : 'before', sid: match[2], raw: token };
  }
  return problems.length ? { ok: false, message: problems.join('; ') } : { ok: true, query };
}

function matches(m: SmsMessage, q: ListQuery): boolean {
  if (q.to !== undefined && m.to !== q.to) return false;
  if (q.from !== undefined && m.from !== q.from) return false;
  if (q.sentFrom === undefined && q.sentUntil === undefined) return true;
  // A message without date_sent cannot be on either side of a date: any DateSent filter leaves it out.
  const sent = sentAt(m);
  if (sent === undefined) return false;
  const at = Date.parse(sent);
  return (q.sentFrom === undefined || at >= q.sentFrom) && (q.sentUntil === undefined || at <= q.sentUntil);
}

/** A page in Twilio's field names; the route renders the messages as resources. */
export interface MessagePage {
  messages: SmsMessage[];
  page: number;
  page_size: number;
  start: number;
  end: number;
  uri: string;
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
}

export type PageResult = { ok: true; page: MessagePage } | { ok: false; message: string };

/**
 * One page of an account's messages, newest first. The next/previous URIs carry a cursor (the sid at the
 * page's edge) like Twilio's, so paging stays put while new messages arrive at the top.
 */
export function listMessages(
  all: readonly SmsMessage[],
  accountSid: string,
  q: ListQuery,
  basePath: string,
): PageResult {
  // The store is in creation order; reversed, the newest come first.
  const selected = all.filter((m) => m.accountSid === accountSid && matches(m, q)).reverse();
  let from = q.page * q.pageSize;
  let to = from + q.pageSize;
  if (q.pageToken) {
    const at = selected.findIndex((m) => m.sid === q.pageToken?.sid);
    if (at < 0) return { ok: false, message: `Invalid PageToken "${q.pageToken.raw}": unknown message` };
    if (q.pageToken.direction === 'after') {
      from = at + 1;
      to = from + q.pageSize;
    } else {
      to = at;
      from = Math.max(0, to - q.pageSize);
    }
  }
  const messages = selected.slice(from, to);
  const uri = (page: number, token?: string) =>
    `${basePath}?${new URLSearchParams([
      ...q.filters,
      ['PageSize', String(q.pageSize)],
      ['Page', String(page)],
      ...(token ? [['PageToken', token] as [string, string]] : []),
    ])}`;
  const firstSid = messages[0]?.sid;
  const lastSid = messages.at(-1)?.sid;
  const start = q.page * q.pageSize;
  return {
    ok: true,
    page: {
      messages,
      page: q.page,
      page_size: q.pageSize,
      start,
      end: start + Math.max(messages.length - 1, 0),
      uri: uri(q.page, q.pageToken?.raw),
      first_page_uri: uri(0),
      next_page_uri:
        lastSid && from + messages.length < selected.length ? uri(q.page + 1, `PA${lastSid}`) : null,
      previous_page_uri: q.page > 0 ? uri(q.page - 1, firstSid ? `PB${firstSid}` : undefined) : null,
    },
  };
}
