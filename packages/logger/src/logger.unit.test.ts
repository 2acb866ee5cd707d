import { Writable } from 'node:stream';
import { type Context, type ContextManager, context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, MAX_STRING, MAX_URL, maskEmail, maskPhone, redactText, truncate } from './index.ts';
import { PHONE } from './mask.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ service: 'test-svc', level: 'debug', destination });
  return { logger, lines, raw: () => lines.join(''), parsed: () => lines.map((l) => JSON.parse(l)) };
}

describe('maskEmail / maskPhone / redactText', () => {
  it('keeps only a hint of an email address', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@e***.com');
    expect(maskEmail('not-an-email')).toBe('***');
  });

  it('keeps only the last two digits of a phone number', () => {
    expect(maskPhone('+15551234567')).toBe('+*********67');
    expect(maskPhone('(555) 123-4567')).toBe('********67');
  });

  it('masks emails and phone numbers in free text', () => {
    const text =
      'invite to Jane.Doe+x@mail.example.co.uk and +15551234567, (555) 123-4567, 555.123.4567, +44 20 7946 0958';
    const out = redactText(text);
    expect(out).not.toMatch(/Jane|example|5551234567|123-4567|123\.4567|7946/);
    expect(out).toContain('J***@m***.uk');
  });

  it('leaves ids, dates, uuids and timestamps alone', () => {
    const text =
      'application 1234567 at 2024-01-15T10:00:00.000Z id 123e4567-e89b-12d3-a456-426614174000 t=1705312345678 took 1500 ms';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactText cost on hostile input', () => {
  /**
   * CPU microseconds per character, the best of three trials, each repeating the text until 30 ms of CPU were
   * used (CPU time, not the clock: other work on the machine does not count). A linear scan costs about the
   * same per character at any length; a scan that retries from every position costs 16x more per character
   * for a 16x longer text.
   */
  function cpuPerChar(text: string): number {
    redactText(text);
    let best = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 3; trial++) {
      const start = process.cpuUsage();
      let chars = 0;
      let used = 0;
      do {
        redactText(text);
        chars += text.length;
        const spent = process.cpuUsage(start);
        used = spent.user + spent.system;
      } while (used < 30_000);
      best = Math.min(best, used / chars);
    }
    return best;
  }

  const shapes: Record<string, (n: number) => string> = {
    letters: (n) => 'a'.repeat(n),
    digits: (n) => '1'.repeat(n),
    'dotted domain': (n) => `a@${'b.'.repeat(n / 2)}`,
    'at signs': (n) => 'a@'.repeat(n / 2),
    'phone-like groups': (n) => '+1 555 '.repeat(Math.ceil(n / 7)).slice(0, n),
  };

  it.each(Object.keys(shapes))('costs time linear in the length of %s', (shape) => {
    const make = shapes[shape] as (n: number) => string;
    const short = cpuPerChar(`/unsubscribe/${make(1024)}`);
    const long = cpuPerChar(`/unsubscribe/${make(16 * 1024)}`);
    // Linear: about 1. Quadratic: about 16. The margin absorbs cache effects and a busy machine.
    expect(long / short).toBeLessThan(4);
  });

  it('uses phone patterns whose quantifiers are all bounded (no retries across a long run)', () => {
    // Escapes and character classes removed, what is left must have no *, + or open {n,} quantifier.
    const structure = PHONE.source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
    expect(structure).not.toMatch(/[*+]|\{\d+,\}/);
  });
});

describe('truncate', () => {
  it('keeps short strings and cuts long ones with a marker', () => {
    expect(truncate('short')).toBe('short');
    const cut = truncate(`${'word '.repeat(3000)}end`);
    expect(cut.length).toBeLessThan(MAX_STRING + 40);
    expect(cut).toMatch(/word …\[truncated \d+ chars\]$/);
  });

  it('never leaves part of an email address or phone number at the cut', () => {
    for (let offset = 0; offset < 40; offset++) {
      const text = `${'x '.repeat(2000).slice(0, MAX_URL - offset)}jane.doe@example.com +15551234567 ${'y'.repeat(2000)}`;
      const cut = truncate(text, MAX_URL);
      expect(cut).toContain('[truncated');
      expect(redactText(cut)).not.toMatch(/jane|doe@|5551234/);
    }
  });
});

describe('createLogger', () => {
  it('writes JSON lines with the service name and level label', () => {
    const { logger, parsed } = capture();
    logger.info({ applicationId: 'a-1' }, 'hello');
    expect(parsed()[0]).toMatchObject({
      service: 'test-svc',
      level: 'info',
      applicationId: 'a-1',
      msg: 'hello',
    });
  });

  it('redacts personal data and credentials by key at several depths and in arrays', () => {
    const { logger, raw } = capture();
    logger.info(
      {
        email: 'top@example.com',
        applicant: {
          firstName: 'Jane',
          lastName: 'Doe',
          name: 'Jane Doe',
          email: 'jane@example.com',
          mobilePhone: '5551234567',
        },
        applicants: [{ name: 'John Roe', phone: '5559876543' }],
        notification: { message: { to: 'j@example.com', recipientName: 'Janet' } },
        req: { headers: { authorization: 'Bearer abc.def', cookie: 'sid=xyz', 'x-api-key': 'k-123' } },
        config: { apiKey: 'key-123', password: 'hunter2', clientSecret: 's3cr3t' },
        property: { name: 'Sunset Apartments' },
      },
      'sent',
    );
    const out = raw();
    for (const secret of [
      'top@',
      'Jane',
      'Doe',
      'John Roe',
      'Janet',
      '5551234567',
      '5559876543',
      'abc.def',
      'sid=xyz',
      'k-123',
      'key-123',
      'hunter2',
      's3cr3t',
    ]) {
      expect(out).not.toContain(secret);
    }
    // property names are not personal data and stay readable
    expect(out).toContain('Sunset Apartments');
  });

  it('masks emails and phone numbers inside messages, child bindings and error messages/stacks', () => {
    const { logger, raw } = capture();
    logger.info(`sending invite to jane.doe@example.com / +15551234567`);
    logger.child({ note: 'for bob@example.org' }).warn('x');
    logger.error({ err: new Error('bounced: alice@example.net rejected') }, 'failed');
    logger.info('format %s', 'carol@example.com');
    const out = raw();
    expect(out).not.toMatch(/jane\.doe|15551234567|bob@|alice@|carol@/);
    expect(out).toContain('j***@e***.com');
  });

  it('redacts sensitive keys in any case, deep down, in child bindings and in error properties', () => {
    const { logger, raw } = capture();
    const error = Object.assign(new Error('refused'), { config: { headers: { 'X-Api-Key': 'k-err' } } });
    logger.child({ Authorization: 'Bearer child-token', applicant: { name: 'Child Name' } }).error(
      {
        err: error,
        a: { b: { c: { d: { e: { Email: 'deep@example.com', PASSWORD: 'deep-pass' } } } } },
        recipients: [{ name: 'Listed Person' }],
      },
      'failed',
    );
    const out = raw();
    for (const secret of ['child-token', 'Child Name', 'k-err', 'deep@', 'deep-pass', 'Listed Person'])
      expect(out).not.toContain(secret);
  });

  it('cuts a long request URL and long messages', () => {
    const { logger, parsed } = capture();
    const url = `/unsubscribe/${'a'.repeat(64 * 1024)}`;
    logger.info({ req: { method: 'POST', url } }, 'incoming request');
    logger.info(`long ${'b'.repeat(64 * 1024)}`);
    const [request, long] = parsed();
    expect(request.req.url.length).toBeLessThan(MAX_URL + 40);
    expect(request.req.url).toMatch(/^\/unsubscribe\/a+…\[truncated \d+ chars\]$/);
    expect(long.msg.length).toBeLessThan(MAX_STRING + 40);
    expect(long.msg).toMatch(/…\[truncated \d+ chars\]$/);
  });

  describe('trace correlation', () => {
    // A minimal synchronous context manager: the logger must not depend on the SDK being started.
    let current: Context = ROOT_CONTEXT;
    const manager: ContextManager = {
      active: () => current,
      with(ctx, fn, thisArg, ...args) {
        const previous = current;
        current = ctx;
        try {
          return fn.call(thisArg, ...args);
        } finally {
          current = previous;
        }
      },
      bind: (_ctx, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    beforeAll(() => context.setGlobalContextManager(manager));
    afterAll(() => context.disable());

    it('adds trace_id and span_id of the active span', () => {
      const { logger, parsed } = capture();
      const spanContext = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
      };
      context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => logger.info('inside'));
      logger.info('outside');
      const [inside, outside] = parsed();
      expect(inside).toMatchObject({
        trace_id: spanContext.traceId,
        span_id: spanContext.spanId,
        trace_flags: '01',
      });
      expect(outside.trace_id).toBeUndefined();
    });
  });
});
