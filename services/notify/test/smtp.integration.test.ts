/**
 * notify's SMTP transport against the in-process sandbox's SMTP server: connections are pooled and reused,
 * and with TLS required nothing goes out to a server that does not offer STARTTLS.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/domain/send-failure.ts';
import { type OutgoingEmail, smtpEmailProvider } from '../src/providers/email.ts';

let sandbox: Sandbox;
let proxy: Server;
let proxyPort = 0;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, smtpPort: 0, logLevel: 'silent' });
  // Counts the TCP connections notify opens to the SMTP server.
  proxy = createServer((client) => {
    connections++;
    const upstream = connect(sandbox.smtpPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => proxy?.close(resolve));
  await sandbox?.stop();
});

const email = (to: string, n: number): OutgoingEmail => ({
  from: { name: 'Acme Leasing', address: 'leasing@acme.example.com' },
  to,
  subject: `message ${n}`,
  text: 'hello',
  html: '<p>hello</p>',
  headers: {},
  messageId: `<smtp-test-${to}-${n}@autoverify>`,
});

describe('smtpEmailProvider', () => {
  it('reuses a few pooled connections instead of opening one per message', async () => {
    const provider = smtpEmailProvider(`smtp://127.0.0.1:${proxyPort}`, { maxConnections: 2 });
    const to = `pool-${Date.now()}@example.com`;
    connections = 0;
    await Promise.all(Array.from({ length: 12 }, (_, n) => provider.send(email(to, n))));
    for (let n = 12; n < 18; n++) await provider.send(email(to, n));
    provider.close();
    expect(sandbox.state.email.forRecipient(to)).toHaveLength(18);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('with TLS required, refuses a server that offers no STARTTLS and sends nothing', async () => {
    const provider = smtpEmailProvider(`smtp://127.0.0.1:${sandbox.smtpPort}`, { requireTls: true });
    const to = `tls-${Date.now()}@example.com`;
    const error = await provider.send(email(to, 1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    provider.close();
    expect(error).toBeInstanceOf(ProviderError);
    expect(sandbox.state.email.forRecipient(to)).toHaveLength(0);
  });
});
