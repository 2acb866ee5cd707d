/**
 * The hostile-input corpus (hostile-input/corpus.ts) against a real notify (PostgreSQL, Kafka namespace,
 * sandbox): each case gets its status and kind of answer, never a 5xx and never an echo of the path; no
 * rejected request unsubscribes anyone; afterwards notify still serves and sends; and nothing it logged
 * meanwhile holds a clear email address or phone number.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@autoverify/logger';
import { twilioSignature } from '@autoverify/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPii } from '../../../scripts/check-logs-for-pii.ts';
import { signUnsubscribeToken } from '../src/domain/unsubscribe-token.ts';
import {
  type Harness,
  PREVIOUS_TWILIO_TOKEN,
  startHarness,
  UNSUBSCRIBE_SECRET,
  uniqueId,
} from './harness.ts';
import { corpus, type HostileCase, type Signature, type TokenName } from './hostile-input/corpus.ts';

const logLines: string[] = [];
let h: Harness;
const tokens = {} as Record<TokenName, string>;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  h = await startHarness({ logger: createLogger({ service: 'notify-test', level: 'info', destination }) });
  const email = await h.request({ channel: 'email', purpose: 'reminder', reminderNumber: 1 });
  const sms = await h.request({ channel: 'sms', to: '+17205550177' });
  await h.waitForOutcome(email.payload.notificationId, 'NotificationSent');
  await h.waitForOutcome(sms.payload.notificationId, 'NotificationSent');
  tokens.valid = signUnsubscribeToken(UNSUBSCRIBE_SECRET, email.payload.notificationId);
  tokens['for-sms'] = signUnsubscribeToken(UNSUBSCRIBE_SECRET, sms.payload.notificationId);
  tokens['unknown-notification'] = signUnsubscribeToken(UNSUBSCRIBE_SECRET, uniqueId('no-such-notification'));
  tokens.forged = `${tokens.valid.slice(0, -4)}AAAA`;
  const address = Buffer.from(JSON.stringify({ t: 'acme', c: 'email', a: 'victim@example.com' })).toString(
    'base64url',
  );
  tokens['legacy-forged'] = `u1.${address}.AAAAAAAAAAAAAAAAAAAAAA`;
});
afterAll(async () => {
  await h?.stop();
});

const pathOf = (c: HostileCase) =>
  typeof c.path === 'string' ? c.path : `/unsubscribe/${tokens[c.path.unsubscribe]}`;

function signatureFor(kind: Signature, url: string, form: Record<string, string>): Record<string, string> {
  const token = { current: h.sandbox.options.twilio.authToken, previous: PREVIOUS_TWILIO_TOKEN }[
    kind as 'current' | 'previous'
  ];
  if (kind === 'none') return {};
  if (kind === 'wrong') return { 'x-twilio-signature': twilioSignature('wrong-token', url, form) };
  if (kind === 'other-url')
    return { 'x-twilio-signature': twilioSignature(h.sandbox.options.twilio.authToken, `${url}x`, form) };
  return { 'x-twilio-signature': twilioSignature(token ?? '', url, form) };
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function viaFetch(c: HostileCase): Promise<Answer> {
  const path = pathOf(c);
  const url = `${h.notifyUrl}${path}`;
  const headers: Record<string, string> = { accept: c.accept ?? 'application/json' };
  let body: string | undefined = c.body;
  if (c.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(c.form).toString();
    Object.assign(headers, signatureFor(c.signature ?? 'none', url, c.form));
  } else if (c.contentType) headers['content-type'] = c.contentType;
  const res = await fetch(url, { method: c.method, headers, ...(body === undefined ? {} : { body }) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Writes the request over a socket and reads the answer; the server may close before the body is sent. */
function viaSocket(c: HostileCase): Promise<Answer> {
  const raw = c.raw ?? {};
  const bodyBytes = raw.bodyBytes ?? 0;
  const head =
    raw.head ??
    `${c.method} ${pathOf(c)} HTTP/1.1\r\nHost: notify\r\nAccept: application/json\r\n` +
      `${raw.extraHeaders ?? ''}` +
      (bodyBytes
        ? `Content-Type: application/x-www-form-urlencoded\r\n${raw.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bodyBytes}`}\r\n`
        : '') +
      '\r\n';
  const { hostname, port } = new URL(h.notifyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset while our body is still going out
    socket.on('close', () => {
      closed = true;
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      if (split < 0 || !status)
        return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 120))}`));
      const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(text.slice(0, split))?.[1] ?? '';
      // Chunked answers: the JSON sits between the chunk sizes.
      const body = text.slice(split + 4);
      resolve({
        status,
        contentType,
        text: body.includes('{') ? body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1) : body,
      });
    });
    socket.write(head);
    // The body goes out in 64 KiB pieces for as long as the server keeps the connection open.
    let sent = 0;
    const piece = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!closed && sent < bodyBytes) {
        const n = Math.min(piece.length, bodyBytes - sent);
        sent += n;
        const data = raw.chunked
          ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), piece.subarray(0, n), Buffer.from('\r\n')])
          : piece.subarray(0, n);
        if (!socket.write(data)) return void socket.once('drain', pump);
      }
      if (!closed && raw.chunked && bodyBytes) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

const suppressionCount = async () =>
  Number((await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM suppressions'))[0]?.n ?? 0);

describe('hostile input corpus', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await suppressionCount();
    const answer = c.raw ? await viaSocket(c) : await viaFetch(c);
    expect(answer.status, answer.text.slice(0, 300)).toBe(c.expect.status);
    expect(answer.status).toBeLessThan(500);
    if (c.expect.as === 'problem') {
      expect(answer.contentType).toContain('application/problem+json');
      const problem = JSON.parse(answer.text);
      expect(problem).toMatchObject({ status: c.expect.status });
      if (c.expect.type) expect(problem.type).toBe(c.expect.type);
    }
    if (c.expect.as === 'html') expect(answer.contentType).toContain('text/html');
    if (c.expect.as === 'xml') expect(answer.contentType).toContain('text/xml');
    if (c.expect.noEcho) expect(answer.text).not.toContain(c.expect.noEcho);
    // No path is ever echoed in full, and no answer is large (nothing of what was sent comes back).
    expect(answer.text.length).toBeLessThan(4096);
    // Nobody was unsubscribed by a request that was refused (nor by a GET).
    expect(await suppressionCount()).toBe(before);
  });

  it('stored the hostile SMS texts inertly (parameterised SQL, NUL replaced)', async () => {
    const rows = await h.db.query<{ message_sid: string; body: string }>(
      "SELECT message_sid, body FROM inbound_messages WHERE message_sid LIKE 'SMhostile-%' ORDER BY message_sid",
    );
    expect(rows).toEqual([
      { message_sid: 'SMhostile-nul-body', body: 'hi\uFFFDthere\u0007' },
      { message_sid: 'SMhostile-sql', body: "x'); DELETE FROM suppressions; --" },
    ]);
  });

  it('still serves and sends afterwards, and unsubscribes through a genuine link', async () => {
    expect((await fetch(`${h.notifyUrl}/health/ready`)).status).toBe(200);
    const later = await h.request({ channel: 'email' });
    await h.waitForOutcome(later.payload.notificationId, 'NotificationSent');
    const res = await fetch(`${h.notifyUrl}/unsubscribe/${tokens.valid}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
    });
    expect(res.status).toBe(200);
    expect(await suppressionCount()).toBe(1);
  });

  it('logged no clear email address or phone number', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(findPii(logLines.join('\n'))).toEqual([]);
  });
});
