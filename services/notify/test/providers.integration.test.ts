import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/domain/send-failure.ts';
import { smtpEmailProvider } from '../src/providers/email.ts';
import { twilioSmsProvider } from '../src/providers/sms.ts';

// A Twilio-shaped HTTP server whose answers each test scripts; it records every request it gets.
interface Seen {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}
let server: Server;
let base: string;
let seen: Seen[] = [];
let answer: (req: Seen, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://x'),
        headers: req.headers,
        form: new URLSearchParams(body),
      };
      seen.push(entry);
      answer(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

const provider = () =>
  twilioSmsProvider({
    baseUrl: base,
    accountSid: 'AC123',
    authToken: 'token',
    statusCallbackUrl: 'https://notify.example.com/webhooks/twilio/status',
  });

const sms = {
  to: '+17205550001',
  from: '+13035550100',
  body: 'Acme: verify https://v.example/1 Reply STOP to opt out.',
};

const failureOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return (error as ProviderError).failure;
};

describe('twilioSmsProvider.send', () => {
  it('posts the form with Basic auth and returns the sid', async () => {
    answer = (_req, res) => json(res, 201, { sid: 'SM1', status: 'queued' });
    const p = provider();
    await expect(p.send(sms)).resolves.toBe('SM1');
    await p.close();
    const [req] = seen;
    expect(req?.method).toBe('POST');
    expect(req?.url.pathname).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from('AC123:token').toString('base64')}`);
    expect(Object.fromEntries(req?.form ?? [])).toEqual({
      To: sms.to,
      From: sms.from,
      Body: sms.body,
      StatusCallback: 'https://notify.example.com/webhooks/twilio/status',
    });
  });

  it('classifies 21211, 21610, 429 and 5xx answers', async () => {
    const p = provider();
    answer = (_req, res) => json(res, 400, { code: 21211, message: 'invalid To', status: 400 });
    expect(await failureOf(p.send(sms))).toMatchObject({ kind: 'permanent', reason: 'invalid_recipient' });
    answer = (_req, res) => json(res, 400, { code: 21610, message: 'unsubscribed', status: 400 });
    expect(await failureOf(p.send(sms))).toMatchObject({ kind: 'permanent', reason: 'opted_out' });
    answer = (_req, res) =>
      json(res, 429, { code: 20429, message: 'Too Many Requests' }, { 'retry-after': '3' });
    expect(await failureOf(p.send(sms))).toMatchObject({ kind: 'transient', retryAfterMs: 3000 });
    answer = (_req, res) => json(res, 503, { code: 20500, message: 'unavailable' });
    expect(await failureOf(p.send(sms))).toMatchObject({ kind: 'transient', uncertain: true });
    await p.close();
  });

  it('treats an unreachable API as transient and uncertain', async () => {
    const p = twilioSmsProvider({
      baseUrl: 'http://127.0.0.1:1',
      accountSid: 'AC123',
      authToken: 't',
      statusCallbackUrl: 'http://x/s',
    });
    expect(await failureOf(p.send(sms))).toMatchObject({ kind: 'transient', uncertain: true });
    await p.close();
  });
});

describe('twilioSmsProvider.findSent', () => {
  it('filters by recipient, sender and date, follows pages and matches the exact body', async () => {
    answer = (req, res) => {
      if (req.url.searchParams.get('Page') === '1') {
        return json(res, 200, {
          messages: [{ sid: 'SM-match', to: sms.to, from: sms.from, body: sms.body }],
          next_page_uri: null,
        });
      }
      return json(res, 200, {
        messages: [
          { sid: 'SM-other-body', to: sms.to, from: sms.from, body: `${sms.body} ` },
          { sid: 'SM-other-from', to: sms.to, from: '+19995550000', body: sms.body },
        ],
        next_page_uri: '/2010-04-01/Accounts/AC123/Messages.json?Page=1&PageToken=x',
      });
    };
    const p = provider();
    await expect(p.findSent(sms, new Date('2026-11-24T10:00:00Z'))).resolves.toBe('SM-match');
    await p.close();
    const query = seen[0]?.url.searchParams;
    expect(query?.get('To')).toBe(sms.to);
    expect(query?.get('From')).toBe(sms.from);
    expect(query?.has('DateSent>')).toBe(false);
    expect(seen).toHaveLength(2);
  });

  it('answers undefined when nothing matches', async () => {
    answer = (_req, res) => json(res, 200, { messages: [], next_page_uri: null });
    const p = provider();
    await expect(p.findSent(sms, new Date())).resolves.toBeUndefined();
    await p.close();
  });

  it('never follows a next_page_uri to another origin (our credentials would go with it)', async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{"messages":[]}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      for (const foreign of [
        `http://127.0.0.1:${port}/steal`,
        `//127.0.0.1:${port}/steal`,
        `/\\127.0.0.1:${port}/steal`,
      ]) {
        answer = (_req, res) => json(res, 200, { messages: [], next_page_uri: foreign });
        const p = provider();
        expect(await failureOf(p.findSent(sms, new Date()))).toMatchObject({
          kind: 'transient',
          detail: expect.stringContaining('next_page_uri'),
        });
        await p.close();
      }
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('fails transiently when the lookup fails, so nothing is sent blindly', async () => {
    answer = (_req, res) => json(res, 500, { code: 20500, message: 'oops' });
    const p = provider();
    expect(await failureOf(p.findSent(sms, new Date()))).toMatchObject({ kind: 'transient' });
    await p.close();
  });
});

describe('smtpEmailProvider', () => {
  it('treats a refused connection as transient', async () => {
    const p = smtpEmailProvider('smtp://127.0.0.1:1');
    const failure = await failureOf(
      p.send({
        from: { name: 'A', address: 'a@example.com' },
        to: 'b@example.com',
        subject: 's',
        text: 't',
        html: '<p>t</p>',
        headers: {},
        messageId: '<x@autoverify>',
      }),
    );
    expect(failure.kind).toBe('transient');
    p.close();
  });
});
