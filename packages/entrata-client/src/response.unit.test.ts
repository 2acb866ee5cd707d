import { describe, expect, it } from 'vitest';
import { interpretResponse } from './response.ts';

const ctx = { service: 'leads', method: 'getLeads', now: 0 };
const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('interpretResponse', () => {
  it('returns the result of a success envelope, code as number or string', () => {
    expect(
      interpretResponse(res(200, { response: { requestId: 'r', code: 200, result: { a: 1 } } }), ctx),
    ).toEqual({
      ok: true,
      result: { a: 1 },
      requestId: 'r',
    });
    expect(interpretResponse(res(200, { response: { code: '200', result: {} } }), ctx)).toMatchObject({
      ok: true,
    });
  });

  it('reads an error in the body even with HTTP 200, coercing the code', () => {
    const out = interpretResponse(
      res(200, { response: { error: { code: '304', message: 'Invalid parameters.' } } }),
      ctx,
    );
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error).toMatchObject({ kind: 'api', code: 304, httpStatus: 200, retryable: false });
    expect(out.error.message).toContain('Invalid parameters.');
  });

  it('classifies 310 and 5xx codes as retryable, auth as not', () => {
    const code = (c: number | string, status = 200) =>
      interpretResponse(res(status, { response: { error: { code: c, message: 'x' } } }), ctx);
    expect(code(310)).toMatchObject({ ok: false, error: { retryable: true } });
    expect(code('500', 500)).toMatchObject({ ok: false, error: { retryable: true } });
    expect(code(113, 401)).toMatchObject({ ok: false, error: { retryable: false, httpStatus: 401 } });
  });

  it('treats non-JSON bodies by status', () => {
    expect(interpretResponse(res(502, '<html>bad gateway</html>'), ctx)).toMatchObject({
      ok: false,
      error: { kind: 'http', retryable: true },
    });
    expect(interpretResponse(res(200, 'not json'), ctx)).toMatchObject({
      ok: false,
      error: { kind: 'invalid_response', retryable: false },
    });
    expect(interpretResponse(res(200, { response: { code: 200 } }), ctx)).toMatchObject({
      ok: false,
      error: { kind: 'invalid_response' },
    });
  });

  it('carries the server-requested wait of a 429', () => {
    const out = interpretResponse(
      res(
        429,
        { response: { error: { code: 429, message: 'slow down' } } },
        {
          'x-ratelimit-remaining': '100/DAY;10/HOUR;0/MINUTE',
          'x-ratelimit-reset': '1000/DAY;100/HOUR;12/MINUTE',
        },
      ),
      ctx,
    );
    expect(out).toMatchObject({ ok: false, error: { retryable: true, retryAfterMs: 12_000 } });
    const withRetryAfter = interpretResponse(res(429, '', { 'Retry-After': '3' }), ctx);
    expect(withRetryAfter).toMatchObject({ ok: false, error: { retryAfterMs: 3000 } });
  });
});

describe('server-requested waits', () => {
  it('ignores the reset counters Entrata sends on every answer unless a window is exhausted', () => {
    const counters = {
      'x-ratelimit-remaining': '14990/DAY;990/HOUR;140/MINUTE',
      'x-ratelimit-reset': '43200/DAY;1800/HOUR;30/MINUTE',
    };
    const out = interpretResponse(
      res(200, { response: { error: { code: 310, message: 'later' } } }, counters),
      ctx,
    );
    expect(out).toMatchObject({ ok: false, error: { retryable: true, retryAfterMs: undefined } });
  });
});
