import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, type SandboxOptions, startSandbox } from '../src/index.ts';

/** Parsed JSON of a response under test: assertions check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
export type Json = any;

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny HTTP server standing in for our services' webhook endpoints. */
export async function startReceiver() {
  const requests: Received[] = [];
  let statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    /** Answers the next requests with these statuses, then 200. */
    respondWith(next: number[]) {
      statuses = [...next];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    httpPort: 0,
    smtpPort: 0,
    logLevel: 'silent',
    webhookRetry: { attempts: 3, initialDelayMs: 20, timeoutMs: 2000 },
    smsStatusDelayMs: 5,
    ...options,
  });
}

export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export const ADDRESS = { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' };

/** An org `demo-pm` with one property, ready for calls. */
export async function setUpOrg(sandbox: Sandbox, overrides: Record<string, unknown> = {}) {
  const res = await call(sandbox, 'PUT', '/sandbox/entrata/orgs/demo-pm', {
    tenantId: 'demo',
    apiKey: 'demo-key',
    basicAuth: { username: 'api-user', password: 'api-pass' },
    webhook: { mode: 'hmac', secret: 'whsec' },
    properties: [{ propertyId: 100200, name: 'Elm Court', address: ADDRESS }],
    ...overrides,
  });
  if (res.status !== 200) throw new Error(`org setup failed: ${res.text}`);
  return res.json;
}

export async function submitApplication(sandbox: Sandbox, extra: Record<string, unknown> = {}) {
  const res = await call(sandbox, 'POST', '/sandbox/entrata/orgs/demo-pm/applications', {
    propertyId: 100200,
    applicants: [
      {
        firstName: 'Ann',
        lastName: 'Lee',
        email: 'ann@example.com',
        phones: { cell: '+13035550100' },
        customerType: 'Primary',
      },
      { firstName: 'Bo', lastName: 'Lee', customerType: 'Guarantor', relationshipName: 'Parent' },
      { firstName: 'Cy', lastName: 'Lee', customerType: 'Occupant' },
    ],
    ...extra,
  });
  if (res.status !== 201) throw new Error(`application failed: ${res.text}`);
  return res.json;
}

export function entrata(
  sandbox: Sandbox,
  service: string,
  name: string,
  version: string,
  params: Record<string, unknown>,
  apiKey = 'demo-key',
) {
  return call(
    sandbox,
    'POST',
    `/ext/orgs/demo-pm/v1/${service}`,
    { auth: { type: 'apikey' }, requestId: 42, method: { name, version, params } },
    { 'x-api-key': apiKey },
  );
}
