import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { call, startTestSandbox } from './helpers.ts';

describe('fake SMTP', () => {
  let sandbox: Sandbox;
  let transport: Transporter;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sandbox.smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'any', pass: 'thing' },
    });
  });
  afterAll(async () => {
    transport.close();
    await sandbox.stop();
  });
  beforeEach(async () => {
    await call(sandbox, 'POST', '/sandbox/reset');
  });

  const mail = (to: string) => ({
    from: '"Elm Court" <leasing@elm.example>',
    to,
    subject: 'Verify your income',
    text: 'Open https://verify.example/v/1',
    html: '<p>Open <a href="https://verify.example/v/1">the link</a></p>',
    headers: { 'X-Job-Id': 'job-1' },
    list: { unsubscribe: { url: 'https://notify.example/unsubscribe/abc', comment: 'Unsubscribe' } },
  });

  it('keeps what it receives, with List-Unsubscribe and the message id, listed per recipient', async () => {
    const info = await transport.sendMail({ ...mail('Ann@Example.com'), bcc: 'audit@example.com' });
    const res = await call(sandbox, 'GET', '/sandbox/messages?recipient=ann@example.com');
    expect(res.json.messages).toHaveLength(1);
    const [message] = res.json.messages;
    expect(message).toMatchObject({
      channel: 'email',
      messageId: info.messageId,
      from: '"Elm Court" <leasing@elm.example>',
      to: ['Ann@example.com'], // nodemailer lower-cases the domain
      subject: 'Verify your income',
      text: 'Open https://verify.example/v/1',
      listUnsubscribe: '<https://notify.example/unsubscribe/abc> (Unsubscribe)',
    });
    expect(message.html).toContain('href="https://verify.example/v/1"');
    expect(message.headers['x-job-id']).toBe('job-1');
    expect((await call(sandbox, 'GET', '/sandbox/messages/audit@example.com')).json.messages).toHaveLength(1);
  });

  it('refuses recipients with 451 or 550 when told to', async () => {
    await call(sandbox, 'POST', '/sandbox/faults', { target: 'email', kind: 'smtp_temporary', count: 1 });
    await expect(transport.sendMail(mail('bo@example.com'))).rejects.toMatchObject({ responseCode: 451 });
    await call(sandbox, 'POST', '/sandbox/faults', {
      target: 'email',
      kind: 'smtp_permanent',
      match: 'bad@',
    });
    await expect(transport.sendMail(mail('bad@example.com'))).rejects.toMatchObject({ responseCode: 550 });
    await transport.sendMail(mail('bo@example.com'));
    expect((await call(sandbox, 'GET', '/sandbox/messages?channel=email')).json.messages).toHaveLength(1);
  });
});
