import { createHmac } from 'node:crypto';
import { twilioSignature } from '@autoverify/sandbox';
import type { Meter } from '@autoverify/telemetry';
import { missingReferencedMetrics, scrapeMetrics, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../src/domain/message-id.ts';
import { signUnsubscribeToken } from '../src/domain/unsubscribe-token.ts';
import { applyDeliveryFailure, recordSent, recordUndelivered } from '../src/handlers/outcomes.ts';
import { sendNotification } from '../src/jobs.ts';
import {
  addSuppression,
  type ClaimResult,
  claimNotification,
  findNotification,
  recordDeliveryCallback,
  removeSuppression,
} from '../src/store.ts';
import {
  type Harness,
  PREVIOUS_TWILIO_TOKEN,
  PREVIOUS_UNSUBSCRIBE_SECRET,
  SMS_FROM,
  startHarness,
  TENANT,
  UNSUBSCRIBE_SECRET,
  uniqueId,
} from './harness.ts';

let h: Harness;
let phoneCounter = 1000 + Math.floor(Math.random() * 8000);
const newPhone = () => `+1720555${String(phoneCounter++).padStart(4, '0')}`;

const outboundSms = (to: string) =>
  h.sandbox.state.sms.messages.filter((m) => m.to === to && m.direction === 'outbound-api');
const emailsTo = (address: string) => h.sandbox.state.email.forRecipient(address);

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** A notification row as the consumer (status 'pending') or a run that died after its claim ('sending') leaves it. */
async function insertEmailNotification(
  notificationId: string,
  to: string,
  state: { status: 'pending' | 'sending'; attempts: number },
  channel: 'email' | 'sms' = 'email',
): Promise<void> {
  await h.db.query(
    `INSERT INTO notifications (notification_id, tenant_id, request_event_id, application_id, applicant_id, property_id,
       purpose, kind, channel, recipient, recipient_name, link, expires_at, status, attempts, sending_since)
     VALUES ($1, 'acme', gen_random_uuid(), '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10', '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
       '100001', 'invite', 'income', $5, $2, 'Ada Lovelace', 'https://verify.example.com/v/1',
       '2026-12-08T15:04:05Z', $3, $4::int, CASE WHEN $3 = 'sending' THEN now() - interval '1 minute' END)`,
    [notificationId, to, state.status, state.attempts, channel],
  );
}

describe('notify with real Kafka, PostgreSQL and the sandbox', () => {
  it('emails an invite through SMTP and publishes NotificationSent', async () => {
    const event = await h.request({ channel: 'email', purpose: 'invite', kind: 'income' });
    const { notificationId, to } = event.payload;
    const sent = await h.waitForOutcome(notificationId, 'NotificationSent');
    expect(sent).toMatchObject({
      tenantId: 'acme',
      correlationId: event.correlationId,
      causationId: event.id,
      payload: { notificationId, channel: 'email', purpose: 'invite', kind: 'income', attempts: 1 },
    });
    const [email, ...more] = emailsTo(to);
    expect(more).toHaveLength(0);
    expect(email?.subject).toBe(
      'Aspen Ridge Apartments: please verify your income for your rental application',
    );
    expect(email?.from).toContain('leasing@acme.example.com');
    expect(email?.text).toContain('https://verify.example.com/v/ver_1');
    expect(email?.text).toContain('December 8, 2026 at 8:04 AM MST');
    expect(email?.html).toContain('Verify my income');
    expect(email?.messageId).toMatch(/@autoverify>$/);
    // Invites carry no unsubscribe header; only reminders do.
    expect(email?.listUnsubscribe).toBeUndefined();
  });

  it('texts an invite through the Twilio-style API and publishes NotificationSent', async () => {
    const to = newPhone();
    const event = await h.request({ channel: 'sms', to, kind: 'identity' });
    const sent = await h.waitForOutcome(event.payload.notificationId, 'NotificationSent');
    const messages = outboundSms(to);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.from).toBe(SMS_FROM);
    expect(messages[0]?.body).toContain('Acme Living: Hi Ada, please verify your identity');
    expect(messages[0]?.body).toContain('Reply STOP to opt out.');
    expect(sent.type === 'NotificationSent' && sent.payload.providerMessageId).toBe(messages[0]?.sid);
    // The delivered status callback is recorded against the message.
    await waitFor(
      async () => {
        const rows = await h.db.query(
          `SELECT 1 FROM delivery_callbacks c JOIN notifications n ON n.provider_message_id = c.message_sid
            WHERE n.notification_id = $1 AND c.status = 'delivered'`,
          [event.payload.notificationId],
        );
        return rows.length === 1;
      },
      { message: 'delivered status callback' },
    );
  });

  it('sends one message for the same notification requested twice', async () => {
    const notificationId = uniqueId('dup');
    const first = await h.request({ notificationId, channel: 'email' });
    await h.request({ notificationId, channel: 'email' });
    // And a redelivery of the very same event.
    await h.request({ notificationId, channel: 'email' }, first.id);
    await h.waitForOutcome(notificationId, 'NotificationSent');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(emailsTo(first.payload.to)).toHaveLength(1);
    expect(h.outcomesFor(notificationId)).toHaveLength(1);
  });

  it('stops texting a number that replied STOP, without calling the provider', async () => {
    const to = newPhone();
    const response = await fetch(`${h.sandbox.url}/sandbox/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: to, to: SMS_FROM, body: 'Stop' }),
    });
    expect(response.status).toBe(200);
    await waitFor(
      async () => {
        const rows = await h.db.query('SELECT 1 FROM suppressions WHERE channel = $1 AND address = $2', [
          'sms',
          to,
        ]);
        return rows.length === 1;
      },
      { message: 'SMS suppression after STOP' },
    );

    const event = await h.request({ channel: 'sms', to, purpose: 'reminder', reminderNumber: 1 });
    const failed = await h.waitForOutcome(event.payload.notificationId, 'NotificationFailed');
    expect(failed.payload).toMatchObject({
      reason: 'opted_out',
      permanent: true,
      detail: 'recipient opted out of text messages',
    });
    expect(outboundSms(to)).toHaveLength(0);
  });

  it('re-subscribes a number that replied START', async () => {
    const to = newPhone();
    for (const body of ['STOP', 'START']) {
      await fetch(`${h.sandbox.url}/sandbox/sms/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: to, to: SMS_FROM, body }),
      });
      await waitFor(
        async () => {
          const rows = await h.db.query(
            'SELECT action FROM inbound_messages WHERE from_number = $1 AND action = $2',
            [to, body.toLowerCase()],
          );
          return rows.length === 1;
        },
        { message: `inbound ${body}` },
      );
    }
    const rows = await h.db.query('SELECT 1 FROM suppressions WHERE channel = $1 AND address = $2', [
      'sms',
      to,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('retries a temporary SMTP failure and then sends once', async () => {
    const notificationId = uniqueId('tempfail');
    const to = `${notificationId}@example.com`;
    h.sandbox.state.faults.add({ target: 'email', kind: 'smtp_temporary', match: to, count: 1 });
    await h.request({ notificationId, to, channel: 'email' });
    const sent = await h.waitForOutcome(notificationId, 'NotificationSent');
    expect(sent.type === 'NotificationSent' && sent.payload.attempts).toBe(2);
    expect(emailsTo(to)).toHaveLength(1);
  });

  it('fails an invalid number at once with invalid_recipient (Twilio 21211)', async () => {
    const event = await h.request({ channel: 'sms', to: '+15005550001' });
    const failed = await h.waitForOutcome(event.payload.notificationId, 'NotificationFailed');
    expect(failed.payload).toMatchObject({ reason: 'invalid_recipient', permanent: true });
    expect(failed.payload).toMatchObject({ detail: expect.stringContaining('21211') });
  });

  it('reports an undelivered SMS from the status callback, once', async () => {
    const to = newPhone();
    h.sandbox.state.sms.numberBehaviors.set(to, 'undelivered');
    const event = await h.request({ channel: 'sms', to });
    const { notificationId } = event.payload;
    await h.waitForOutcome(notificationId, 'NotificationSent');
    const failed = await h.waitForOutcome(notificationId, 'NotificationFailed');
    expect(failed.payload).toMatchObject({
      reason: 'undelivered',
      permanent: true,
      detail: 'carrier reported undelivered (error 30003)',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(h.outcomesFor(notificationId).filter((o) => o.type === 'NotificationFailed')).toHaveLength(1);
  });

  it('puts a one-click unsubscribe on reminders and honours it', async () => {
    const to = `${uniqueId('unsub')}@example.com`;
    const reminder = await h.request({ channel: 'email', to, purpose: 'reminder', reminderNumber: 1 });
    await h.waitForOutcome(reminder.payload.notificationId, 'NotificationSent');
    const [email] = emailsTo(to);
    expect(email?.listUnsubscribePost).toBe('List-Unsubscribe=One-Click');
    const url = /<([^>]+)>/.exec(email?.listUnsubscribe ?? '')?.[1] ?? '';
    expect(url.startsWith(`${h.notifyUrl}/unsubscribe/`)).toBe(true);
    expect(email?.text).toContain(url);
    // The link names the notification, not the person: nothing of the address is in it, even encoded.
    const token = url.split('/').at(-1) ?? '';
    expect(token).toMatch(/^u2\./);
    expect(
      token
        .split('.')
        .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
        .join(),
    ).not.toContain(to.split('@')[0]);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');

    const oneClick = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    const next = await h.request({ channel: 'email', to, purpose: 'reminder', reminderNumber: 2 });
    const failed = await h.waitForOutcome(next.payload.notificationId, 'NotificationFailed');
    expect(failed.payload).toMatchObject({ reason: 'opted_out', permanent: true });
    expect(emailsTo(to)).toHaveLength(1);
  });

  it('refuses tampered unsubscribe links', async () => {
    const asHtml = await fetch(`${h.notifyUrl}/unsubscribe/u1.e30.forged`);
    expect(asHtml.status).toBe(400);
    expect(asHtml.headers.get('content-type')).toContain('text/html');
    const asApi = await fetch(`${h.notifyUrl}/unsubscribe/u1.e30.forged`, { method: 'POST' });
    expect(asApi.status).toBe(400);
    expect(asApi.headers.get('content-type')).toContain('application/problem+json');
  });

  it('honours unsubscribe links signed with the previous secret, and links from before u2', async () => {
    const to = `${uniqueId('rotated')}@example.com`;
    const first = await h.request({ channel: 'email', to, purpose: 'reminder', reminderNumber: 1 });
    await h.waitForOutcome(first.payload.notificationId, 'NotificationSent');
    const oldKey = signUnsubscribeToken(PREVIOUS_UNSUBSCRIBE_SECRET, first.payload.notificationId);
    expect((await fetch(`${h.notifyUrl}/unsubscribe/${oldKey}`, { method: 'POST' })).status).toBe(200);
    const next = await h.request({ channel: 'email', to, purpose: 'reminder', reminderNumber: 2 });
    expect((await h.waitForOutcome(next.payload.notificationId, 'NotificationFailed')).payload).toMatchObject(
      {
        reason: 'opted_out',
      },
    );

    // A u1 link (the address inside, from emails sent before u2) still unsubscribes.
    const legacyTo = `${uniqueId('legacy')}@example.com`;
    const payload = Buffer.from(JSON.stringify({ t: TENANT, c: 'email', a: legacyTo })).toString('base64url');
    const mac = createHmac('sha256', UNSUBSCRIBE_SECRET)
      .update(`u1.${payload}`)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect((await fetch(`${h.notifyUrl}/unsubscribe/u1.${payload}.${mac}`, { method: 'POST' })).status).toBe(
      200,
    );
    const legacy = await h.request({
      channel: 'email',
      to: legacyTo,
      purpose: 'reminder',
      reminderNumber: 1,
    });
    expect(
      (await h.waitForOutcome(legacy.payload.notificationId, 'NotificationFailed')).payload,
    ).toMatchObject({
      reason: 'opted_out',
    });
  });

  it('accepts Twilio webhooks signed with the previous auth token while it is rotated', async () => {
    const params = { From: newPhone(), To: SMS_FROM, Body: 'HELP', MessageSid: uniqueId('SMrotated') };
    const url = `${h.notifyUrl}/webhooks/twilio/inbound`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(PREVIOUS_TWILIO_TOKEN, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Message>');
  });

  it('changes an opt-out only for a new message: a replayed STOP after START changes nothing', async () => {
    const from = newPhone();
    const url = `${h.notifyUrl}/webhooks/twilio/inbound`;
    const inbound = async (MessageSid: string, Body: string) => {
      const params = { From: from, To: SMS_FROM, Body, MessageSid };
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(h.sandbox.options.twilio.authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      expect(response.status).toBe(200);
      return response.text();
    };
    const stop = uniqueId('SMstop');
    expect(await inbound(stop, 'STOP')).toContain('<Message>');
    await inbound(uniqueId('SMstart'), 'START');
    // The same STOP again (a Twilio retry, or someone replaying a captured request): no reply, no opt-out.
    expect(await inbound(stop, 'STOP')).not.toContain('<Message>');
    const suppressed = await h.db.query('SELECT 1 FROM suppressions WHERE channel = $1 AND address = $2', [
      'sms',
      from,
    ]);
    expect(suppressed).toHaveLength(0);
    const event = await h.request({ channel: 'sms', to: from });
    await h.waitForOutcome(event.payload.notificationId, 'NotificationSent');
  });

  it('rejects webhooks without a valid Twilio signature', async () => {
    const params = { From: '+17205550000', To: SMS_FROM, Body: 'STOP', MessageSid: 'SMforged' };
    const unsigned = await fetch(`${h.notifyUrl}/webhooks/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toContain('application/problem+json');

    const signedElsewhere = twilioSignature('wrong-token', `${h.notifyUrl}/webhooks/twilio/status`, params);
    const status = await fetch(`${h.notifyUrl}/webhooks/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signedElsewhere },
      body: new URLSearchParams(params).toString(),
    });
    expect(status.status).toBe(403);

    const good = twilioSignature(
      h.sandbox.options.twilio.authToken,
      `${h.notifyUrl}/webhooks/twilio/inbound`,
      { ...params, Body: 'HELP' },
    );
    const help = await fetch(`${h.notifyUrl}/webhooks/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': good },
      body: new URLSearchParams({ ...params, Body: 'HELP' }).toString(),
    });
    expect(help.status).toBe(200);
    expect(help.headers.get('content-type')).toContain('text/xml');
    expect(await help.text()).toContain(
      '<Message>Acme Living: Messages about verifying your rental application. Reply STOP to opt out',
    );
  });
});

describe('after a crash during the provider call', () => {
  it('re-sends an interrupted email once, with the same Message-ID', async () => {
    const notificationId = uniqueId('crash');
    const to = `${notificationId}@example.com`;
    // The state a process leaves behind when it dies after claiming and before recording the outcome.
    await insertEmailNotification(notificationId, to, { status: 'sending', attempts: 1 });
    await h.notify.jobs.send(sendNotification, { notificationId }, { key: notificationId });
    const sent = await h.waitForOutcome(notificationId, 'NotificationSent');
    expect(sent.type === 'NotificationSent' && sent.payload.attempts).toBe(2);
    const emails = emailsTo(to);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.messageId).toBe(emailMessageId(notificationId));
  });
});

describe('final failures', () => {
  it('fails a mailbox the server refuses permanently (550) at once', async () => {
    const notificationId = uniqueId('perm');
    const to = `${notificationId}@example.com`;
    h.sandbox.state.faults.add({ target: 'email', kind: 'smtp_permanent', match: to, count: 1 });
    await h.request({ notificationId, to, channel: 'email' });
    const failed = await h.waitForOutcome(notificationId, 'NotificationFailed');
    expect(failed.payload).toMatchObject({
      reason: 'invalid_recipient',
      permanent: true,
      detail: expect.stringContaining('SMTP 550'),
    });
    expect(emailsTo(to)).toHaveLength(0);
  });

  it('records retries_exhausted when the last attempt fails transiently', async () => {
    const notificationId = uniqueId('exhausted');
    const to = `${notificationId}@example.com`;
    h.sandbox.state.faults.add({ target: 'email', kind: 'smtp_temporary', match: to });
    // Eight attempts already used: the next one is the last (SEND_MAX_ATTEMPTS = 9).
    await h.db.query(
      `INSERT INTO notifications (notification_id, tenant_id, request_event_id, application_id, applicant_id, property_id,
         purpose, kind, channel, recipient, recipient_name, link, expires_at, status, attempts)
       VALUES ($1, 'acme', gen_random_uuid(), '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10', '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
         '100001', 'invite', 'income', 'email', $2, 'Ada Lovelace', 'https://verify.example.com/v/1',
         '2026-12-08T15:04:05Z', 'pending', 8)`,
      [notificationId, to],
    );
    await h.notify.jobs.send(sendNotification, { notificationId }, { key: notificationId });
    const failed = await h.waitForOutcome(notificationId, 'NotificationFailed');
    expect(failed.payload).toMatchObject({
      reason: 'retries_exhausted',
      permanent: false,
      detail: expect.stringContaining('9 attempts'),
    });
    h.sandbox.state.faults.clear('email');
  });

  it('exposes the notify metrics the dashboard and the alert rules query, with the flows above counted', async () => {
    expect(missingReferencedMetrics(await scrapeMetrics(h.notify.app), 'notify')).toEqual([]);
  });
});

describe("the send job's statements on plain pg (store.ts)", () => {
  const check = (to: string) => ({ address: to, scopes: [`tenant:${TENANT}`] });
  const now = new Date('2026-12-07T10:00:00Z');
  /** A pending email notification to an address of its own, as the send job reads it. */
  const pendingEmail = async (prefix: string) => {
    const notificationId = uniqueId(prefix);
    const to = `${notificationId}@example.com`;
    await insertEmailNotification(notificationId, to, { status: 'pending', attempts: 0 });
    const read = await findNotification(h.notify.db.sql, notificationId);
    if (!read) throw new Error('row not found');
    return { notificationId, to, read };
  };

  it('lets only one of two runs that read the same state claim the row', async () => {
    const { notificationId, to, read } = await pendingEmail('claim');
    // The first claim holds the row's lock, uncommitted, while the second waits for it; the second then sees
    // the first's committed claim, not the state both read.
    let second: Promise<ClaimResult> | undefined;
    const first = await h.notify.db.transaction(async (tx) => {
      const claim = await claimNotification(tx.sql, read, check(to), undefined, now);
      second = claimNotification(h.notify.db.sql, read, check(to), undefined, now);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return claim;
    });
    expect(first).toMatchObject({ suppressed: false, claimed: { status: 'sending', attempts: 1 } });
    expect(await second).toEqual({ suppressed: false, claimed: undefined });
    const [row] = await h.db.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM notifications WHERE notification_id = $1',
      [notificationId],
    );
    expect(row).toEqual({ status: 'sending', attempts: 1 });
  });

  it('claims nothing for an opted-out recipient, and opt-outs of other scopes or channels do not count', async () => {
    const { notificationId, to, read } = await pendingEmail('optout');
    await addSuppression(h.notify.db.sql, {
      channel: 'email',
      scope: 'tenant:other',
      address: to,
      source: 'test',
    });
    await addSuppression(h.notify.db.sql, {
      channel: 'sms',
      scope: `tenant:${TENANT}`,
      address: to,
      source: 'test',
    });
    await addSuppression(h.notify.db.sql, {
      channel: 'email',
      scope: `tenant:${TENANT}`,
      address: to,
      source: 'test',
    });
    expect(await claimNotification(h.notify.db.sql, read, check(to), undefined, now)).toEqual({
      suppressed: true,
    });
    expect((await findNotification(h.notify.db.sql, notificationId))?.status).toBe('pending');
    await removeSuppression(h.notify.db.sql, { channel: 'email', scope: `tenant:${TENANT}`, address: to });
    const claim = await claimNotification(h.notify.db.sql, read, check(to), undefined, now);
    expect(claim).toMatchObject({ suppressed: false, claimed: { attempts: 1, sendingSince: now } });
  });

  /** Events in the outbox about this notification, by type. */
  const outboxEvents = async (notificationId: string) =>
    (
      await h.db.query<{ type: string }>(
        "SELECT envelope->>'type' AS type FROM outbox WHERE envelope->'payload'->>'notificationId' = $1 ORDER BY id",
        [notificationId],
      )
    ).map((r) => r.type);
  // Counted outcomes are the metrics test's concern; these need a meter that counts nothing.
  const meter = { createCounter: () => ({ add: () => {} }) } as unknown as Meter;
  const outcomeContext = () => ({ clock: h.notify.clock, meter, db: h.notify.db });
  const sendingRow = async (prefix: string, channel: 'email' | 'sms') => {
    const notificationId = uniqueId(prefix);
    await insertEmailNotification(
      notificationId,
      channel === 'email' ? `${notificationId}@example.com` : newPhone(),
      { status: 'sending', attempts: 1 },
      channel,
    );
    const row = await findNotification(h.notify.db.sql, notificationId);
    if (!row) throw new Error('row not found');
    return row;
  };

  it('writes an outcome and its event together or not at all', async () => {
    const row = await sendingRow('outcome', 'email');
    // An event that fails its contract is refused before the statement: the row stays as it was.
    await expect(
      recordSent(outcomeContext(), { ...row, applicationId: 'not-a-uuid' }, 'message-1'),
    ).rejects.toThrow();
    expect((await findNotification(h.notify.db.sql, row.notificationId))?.status).toBe('sending');
    expect(await outboxEvents(row.notificationId)).toEqual([]);
    expect(await recordSent(outcomeContext(), row, 'message-1')).toBe(true);
    expect(await recordSent(outcomeContext(), row, 'message-1')).toBe(false);
    expect(await findNotification(h.notify.db.sql, row.notificationId)).toMatchObject({
      status: 'sent',
      providerMessageId: 'message-1',
    });
    expect(await outboxEvents(row.notificationId)).toEqual(['NotificationSent']);
  });

  it("applies a failure callback committed before the send's record, once", async () => {
    const row = await sendingRow('early-failure', 'sms');
    const sid = `SM${row.notificationId}`;
    await recordDeliveryCallback(h.notify.db.sql, {
      messageSid: sid,
      status: 'undelivered',
      errorCode: '30003',
    });
    // The webhook's own try finds no 'sent' row yet: nothing happens there.
    expect(
      await h.notify.db.transaction((tx) =>
        recordUndelivered(outcomeContext(), tx, sid, 'undelivered', '30003'),
      ),
    ).toBe(false);
    expect(await recordSent(outcomeContext(), row, sid)).toBe(true);
    expect(await findNotification(h.notify.db.sql, row.notificationId)).toMatchObject({ status: 'failed' });
    expect(await outboxEvents(row.notificationId)).toEqual(['NotificationSent', 'NotificationFailed']);
  });

  it("applies a failure callback committed after the send's record, once, whoever reads it", async () => {
    const row = await sendingRow('late-failure', 'sms');
    const sid = `SM${row.notificationId}`;
    expect(await recordSent(outcomeContext(), row, sid)).toBe(true);
    await recordDeliveryCallback(h.notify.db.sql, { messageSid: sid, status: 'failed', errorCode: '30006' });
    // Both the webhook and a job re-run (one that died after its record) apply it; only the first changes anything.
    await Promise.all([
      h.notify.db.transaction((tx) => recordUndelivered(outcomeContext(), tx, sid, 'failed', '30006')),
      applyDeliveryFailure(outcomeContext(), sid),
      applyDeliveryFailure(outcomeContext(), sid),
    ]);
    expect(await findNotification(h.notify.db.sql, row.notificationId)).toMatchObject({ status: 'failed' });
    expect(await outboxEvents(row.notificationId)).toEqual(['NotificationSent', 'NotificationFailed']);
  });
});
