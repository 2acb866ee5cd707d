import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@autoverify/logger';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addReadinessCheck, createHttpServer, type HttpServer, sendProblem } from '../src/index.ts';

const logLines: string[] = [];
const logger = createLogger({
  service: 'http-test',
  level: 'debug',
  destination: new Writable({
    write(chunk, _e, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
});

let app: HttpServer;
let base = '';
let dbHealthy = true;

beforeAll(async () => {
  app = createHttpServer({ logger, bodyLimit: 1024, readinessTimeoutMs: 200 });
  addReadinessCheck(app, 'database', async () => {
    if (!dbHealthy) throw new Error('connection refused');
  });
  addReadinessCheck(app, 'kafka', async () => {});
  app.post(
    '/applicants',
    {
      schema: {
        body: Type.Object(
          {
            email: Type.String({ format: 'email' }),
            age: Type.Integer({ minimum: 18 }),
            kind: Type.Union([Type.Literal('primary'), Type.Literal('guarantor')]),
            address: Type.Object({ zip: Type.String({ pattern: '^[0-9]{5}$' }) }),
          },
          { additionalProperties: false },
        ),
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }),
      },
    },
    async (request) => ({ ok: true, email: request.body.email, dryRun: request.query.dryRun ?? false }),
  );
  app.get('/items/:id', async (request) => request.params);
  app.get('/boom', async () => {
    throw new Error('secret internal detail: password=hunter2');
  });
  app.get('/teapot', async (_request, reply) =>
    sendProblem(reply, 418, "I'm a teapot", 'short and stout', { hint: 'tip me over' }),
  );
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    headers: res.headers,
    body: text ? JSON.parse(text) : undefined,
    text,
  };
}

/** Writes bytes fetch would refuse to send and reads the answer until the server closes the connection. */
function rawRequest(request: string): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const socket = connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may reset the connection while the rest of an over-long request is still arriving.
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      else resolve({ head: text.slice(0, split), body: text.slice(split + 4) });
    });
  });
}

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const valid = { email: 'a@example.com', age: 30, kind: 'primary', address: { zip: '80204' } };

describe('createHttpServer', () => {
  it('serves valid requests and echoes or generates x-request-id', async () => {
    const ok = await call('/applicants?dryRun=true', {
      ...json(valid),
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-123' },
    });
    expect(ok).toMatchObject({ status: 200, body: { ok: true, dryRun: true } });
    expect(ok.headers.get('x-request-id')).toBe('req-123');
    const generated = await call('/health/live', {
      headers: { 'x-request-id': 'bad id with spaces "and quotes"' },
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists every invalid field of a validation error', async () => {
    const res = await call(
      '/applicants',
      json({ email: 'nope', age: 12, kind: 'tenant', address: { zip: 'x' }, extra: 1 }),
    );
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({
      type: 'urn:problem:validation',
      title: 'Validation Failed',
      status: 400,
      instance: '/applicants',
    });
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.email', 'body.age', 'body.kind', 'body.address.zip']),
    );
    expect(res.body.errors.find((e: { path: string }) => e.path === 'body.age').message).toBe(
      'must be >= 18',
    );
  });

  it('names a missing required field', async () => {
    const { email: _email, ...rest } = valid;
    const res = await call('/applicants', json(rest));
    expect(res.body.errors).toEqual([{ path: 'body.email', message: 'is required' }]);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await call('/applicants', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(res).toMatchObject({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: { type: 'urn:problem:malformed-body', status: 400 },
    });
    const empty = await call('/applicants', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    expect(empty).toMatchObject({ status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await call('/applicants', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<a/>',
    });
    expect(res).toMatchObject({
      status: 415,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: { title: 'Unsupported Media Type', status: 415 },
    });
    expect(res.body.detail).toContain('application/xml');
  });

  it('answers a too large body with 413', async () => {
    const res = await call('/applicants', json({ ...valid, padding: 'x'.repeat(5000) }));
    expect(res).toMatchObject({
      status: 413,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: { title: 'Payload Too Large' },
    });
  });

  it('answers unknown routes with 404, without echoing the path', async () => {
    const res = await call('/nope-secret-path?x=1');
    expect(res).toMatchObject({
      status: 404,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: { detail: 'No GET route matches this path', type: 'urn:problem:not-found' },
    });
    expect(res.text).not.toContain('nope-secret-path');
  });

  it('answers router errors (over-long parameter, undecodable URL) as problems, without echoing the path', async () => {
    const long = await call(`/items/${'q'.repeat(300)}`);
    expect(long).toMatchObject({
      status: 414,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: { title: 'URI Too Long', type: 'urn:problem:bad-request' },
    });
    expect(long.text).not.toContain('qqqq');
    const undecodable = await call('/items/%E0%A4%Azz');
    expect(undecodable).toMatchObject({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(undecodable.text).not.toContain('%E0');
  });

  it('refuses a URL over 4096 characters with 414 before routing or reading a body, without echoing it', async () => {
    for (const path of [`/nope/${'w'.repeat(5000)}`, `/applicants?pad=${'w'.repeat(5000)}`]) {
      const res = await call(path, path.startsWith('/applicants') ? json(valid) : {});
      expect(res).toMatchObject({
        status: 414,
        type: expect.stringMatching(/^application\/problem\+json/),
        body: { type: 'urn:problem:uri-too-long', status: 414 },
      });
      expect(res.text).not.toContain('wwww');
    }
  });

  it('answers headers over 16 KiB with a 431 problem and malformed HTTP with a 400 problem', async () => {
    const tooLarge = await rawRequest(
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: ${'c'.repeat(20_000)}\r\n\r\n`,
    );
    expect(tooLarge.head).toMatch(/^HTTP\/1\.1 431 /);
    expect(tooLarge.head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(tooLarge.body)).toMatchObject({
      status: 431,
      title: 'Request Header Fields Too Large',
    });
    const longUrl = await rawRequest(`GET /${'z'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longUrl.head).toMatch(/^HTTP\/1\.1 431 /);
    expect(longUrl.body).not.toContain('zzzz');
    const malformed = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expect(malformed.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(malformed.body)).toMatchObject({ status: 400 });
    // The server is still there.
    expect(await call('/health/live')).toMatchObject({ status: 200 });
  });

  it("keeps fastify's keep-alive time-out on the server it makes (every request in a server span)", () => {
    expect(app.server.keepAliveTimeout).toBe(72_000);
  });

  it('hides thrown errors behind a generic 500 and logs them', async () => {
    const res = await call('/boom', { headers: { 'x-request-id': 'boom-1' } });
    expect(res).toMatchObject({
      status: 500,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: { title: 'Internal Server Error', status: 500 },
    });
    expect(res.text).not.toMatch(/hunter2|secret internal|at .*\.ts/);
    const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.request_id === 'boom-1' && l.err);
    expect(logged?.err.message).toContain('secret internal detail');
  });

  it('sends custom problems', async () => {
    const res = await call('/teapot');
    expect(res).toMatchObject({
      status: 418,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: {
        type: 'about:blank',
        title: "I'm a teapot",
        detail: 'short and stout',
        hint: 'tip me over',
        instance: '/teapot',
      },
    });
  });

  it('is live always and ready only when every check passes', async () => {
    expect(await call('/health/live')).toMatchObject({ status: 200, body: { status: 'live' } });
    expect(await call('/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', kafka: 'ok' } },
    });
    dbHealthy = false;
    const down = await call('/health/ready');
    expect(down).toMatchObject({
      status: 503,
      type: expect.stringMatching(/^application\/problem\+json/),
      body: { checks: { database: 'connection refused', kafka: 'ok' } },
    });
    expect(down.body.detail).toContain('database');
    dbHealthy = true;
  });

  it('fails a readiness check that hangs', async () => {
    addReadinessCheck(app, 'slow', () => new Promise(() => {}));
    const res = await call('/health/ready');
    expect(res).toMatchObject({
      status: 503,
      body: { checks: { slow: 'slow did not answer within 200 ms' } },
    });
  });
});
