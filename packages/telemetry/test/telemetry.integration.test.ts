import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
}

const SERVER = 2;
const CLIENT = 3;
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// A real OTLP/HTTP (JSON) receiver: the child process exports exactly as it would to a collector.
let receiver: Server;
let endpoint = '';
const spans: ExportedSpan[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const payload = JSON.parse(body);
      for (const rs of payload.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a: { key: string }) => a.key === 'service.name')?.value
          .stringValue;
        for (const ss of rs.scopeSpans ?? [])
          for (const span of ss.spans ?? []) spans.push({ ...span, service });
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

function runFixture(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', '@autoverify/telemetry/register', 'test/fixtures/traced-app.ts'],
      {
        cwd: packageDir,
        env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('register (node --import @autoverify/telemetry/register app.ts)', () => {
  it('traces http server, undici/fetch client and pg spans of an ESM .ts app in one trace, and exports them over OTLP', async () => {
    const { code, stdout, stderr } = await runFixture({
      OTEL_SERVICE_NAME: 'fixture-app',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const seen = JSON.parse(stdout) as { incoming: string; active: string; one: number }[];
    expect(seen).toHaveLength(2);

    expect(spans.every((s) => s.service === 'fixture-app')).toBe(true);
    for (const path of ['/via-fetch', '/via-undici']) {
      const client = spans.find(
        (s) =>
          s.kind === CLIENT &&
          s.name.startsWith('GET') &&
          spans.some(
            (c) =>
              c.parentSpanId === s.spanId && c.kind === SERVER && c.traceId === s.traceId && hasPath(c, path),
          ),
      );
      expect(client, `client span for ${path}`).toBeDefined();
    }
    const servers = spans.filter((s) => s.kind === SERVER);
    expect(servers).toHaveLength(2);
    for (const server of servers) {
      // the server span continues the client's trace: traceparent went over the wire
      const parent = spans.find((s) => s.spanId === server.parentSpanId);
      expect(parent?.kind).toBe(CLIENT);
      // the pg query ran inside the request and is its child
      const query = spans.find((s) => s.parentSpanId === server.spanId && /pg|select/i.test(s.name));
      expect(query, `pg span under ${server.name}`).toBeDefined();
    }
    // outgoing query values (a phone number here) are not recorded in client spans
    const clients = spans.filter((s) => s.kind === CLIENT);
    expect(JSON.stringify(clients)).not.toContain('17205550001');
    expect(JSON.stringify(clients)).toContain('To=REDACTED');
    // the handler's active context is the server span, which is what gets injected into events and jobs
    for (const entry of seen) expect(entry.active.split('-')[1]).toBe(entry.incoming.split('-')[1]);
  });

  it('starts nothing and prints nothing when OTEL_SDK_DISABLED=true', async () => {
    const before = spans.length;
    const { code, stdout, stderr } = await runFixture({
      OTEL_SDK_DISABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const seen = JSON.parse(stdout) as { incoming?: string; active?: string }[];
    expect(seen.every((s) => s.incoming === undefined && s.active === undefined)).toBe(true);
    expect(spans.length).toBe(before);
  });

  it('without an OTLP endpoint still propagates trace context, silently', async () => {
    const { code, stdout, stderr } = await runFixture({});
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const seen = JSON.parse(stdout) as { incoming?: string; active?: string }[];
    for (const entry of seen) expect(entry.active).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});

function hasPath(
  span: ExportedSpan & { attributes?: { key: string; value: { stringValue?: string } }[] },
  path: string,
): boolean {
  return (span.attributes ?? []).some(
    (a) => (a.key === 'url.path' || a.key === 'http.target') && a.value.stringValue?.startsWith(path),
  );
}
