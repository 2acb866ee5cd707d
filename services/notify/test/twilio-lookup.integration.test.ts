/**
 * notify's Twilio provider against the in-process sandbox's Twilio fake (not a scripted server): the
 * crash-recovery lookup must understand the real list endpoint's filters, paging and resource shape.
 */
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import { waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SmsProvider, twilioSmsProvider } from '../src/providers/sms.ts';

const ACCOUNT_SID = 'AC22222222222222222222222222222222';
const AUTH_TOKEN = 'lookup-test-token';
const sms = { to: '+17205550001', from: '+13035550100', body: 'Acme: verify https://v.example/1' };

let sandbox: Sandbox;
let provider: SmsProvider;

beforeAll(async () => {
  sandbox = await startSandbox({
    httpPort: 0,
    smtpPort: 0,
    logLevel: 'silent',
    twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
    smsStatusDelayMs: 5,
    // Nobody listens for the status callbacks here: one quick attempt each.
    webhookRetry: { attempts: 1, initialDelayMs: 1, timeoutMs: 500 },
  });
  provider = twilioSmsProvider({
    baseUrl: sandbox.url,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    statusCallbackUrl: 'http://127.0.0.1:1/webhooks/twilio/status',
  });
});

afterAll(async () => {
  await provider?.close();
  await sandbox?.stop();
});

beforeEach(() => {
  sandbox.state.reset();
});

/** Twilio filters on date_sent, which is set once the carrier takes the message. */
const untilSent = (sid: string) =>
  waitFor(() => sandbox.state.sms.messages.find((m) => m.sid === sid && m.status === 'delivered'), {
    message: `message ${sid} delivered`,
  });

describe('twilioSmsProvider.findSent against the sandbox', () => {
  it('finds a sent message by recipient, sender and exact body', async () => {
    const since = new Date();
    const sid = await provider.send(sms);
    await untilSent(sid);

    await expect(provider.findSent(sms, since)).resolves.toBe(sid);
    await expect(provider.findSent({ ...sms, body: `${sms.body} ` }, since)).resolves.toBeUndefined();
    await expect(provider.findSent({ ...sms, to: '+17205550002' }, since)).resolves.toBeUndefined();
  });

  it('follows next_page_uri when newer messages push the match past the first page', async () => {
    const since = new Date();
    const sid = await provider.send(sms);
    // notify asks for 100 a page: 120 newer messages to the same person put the match on page two.
    for (let i = 0; i < 120; i++) await provider.send({ ...sms, body: `reminder ${i}` });
    await untilSent(sid);
    await waitFor(() => sandbox.state.sms.messages.every((m) => m.status === 'delivered'), {
      message: 'all messages delivered',
    });

    await expect(provider.findSent(sms, since)).resolves.toBe(sid);
  });
});
