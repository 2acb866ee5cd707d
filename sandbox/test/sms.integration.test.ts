import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, twilioSignature } from '../src/index.ts';
import { call, type Json, startReceiver, startTestSandbox, waitFor } from './helpers.ts';

const SID = 'AC11111111111111111111111111111111';
const TOKEN = 'test-auth-token';

describe('fake Twilio', () => {
  let sandbox: Sandbox;
  let notify: Awaited<ReturnType<typeof startReceiver>>;

  const send = (form: Record<string, string>, auth = `${SID}:${TOKEN}`, accountSid = SID) =>
    fetch(`${sandbox.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as Json }));

  const verify = (req: { url: string; body: string; headers: Record<string, unknown> }, url: string) => {
    const params = Object.fromEntries(new URLSearchParams(req.body));
    return req.headers['x-twilio-signature'] === twilioSignature(TOKEN, url, params);
  };

  beforeAll(async () => {
    notify = await startReceiver();
    sandbox = await startTestSandbox({
      notifyBaseUrl: notify.url,
      twilio: { accountSid: SID, authToken: TOKEN, defaultFrom: '+15005550006' },
    });
  });
  afterAll(async () => {
    await sandbox.stop();
    await notify.close();
  });
  beforeEach(async () => {
    await call(sandbox, 'POST', '/sandbox/reset');
    notify.requests.length = 0;
  });

  it('refuses bad credentials with Twilio error 20003', async () => {
    const res = await send({ To: '+13035550100', From: '+15005550006', Body: 'hi' }, `${SID}:wrong`);
    expect(res).toEqual({ status: 401, json: expect.objectContaining({ code: 20003, status: 401 }) });
    expect(
      (await send({ To: '+13035550100', From: '+15005550006', Body: 'hi' }, `${SID}:${TOKEN}`, 'ACother'))
        .status,
    ).toBe(401);
  });

  it('validates like Twilio: 21604, 21603, 21602, 21211', async () => {
    expect((await send({ From: '+15005550006', Body: 'x' })).json.code).toBe(21604);
    expect((await send({ To: '+13035550100', Body: 'x' })).json.code).toBe(21603);
    expect((await send({ To: '+13035550100', From: '+15005550006' })).json.code).toBe(21602);
    const invalid = await send({ To: '303-555', From: '+15005550006', Body: 'x' });
    expect(invalid).toEqual({
      status: 400,
      json: expect.objectContaining({ code: 21211, more_info: 'https://www.twilio.com/docs/errors/21211' }),
    });
    expect((await send({ To: '+15005550001', From: '+15005550006', Body: 'x' })).json.code).toBe(21211);
  });

  it('queues the message (201, SM sid) and posts signed status callbacks queued -> sent -> delivered', async () => {
    const callback = `${notify.url}/webhooks/twilio/status?job=1`;
    const res = await send({
      To: '+13035550100',
      From: '+15005550006',
      Body: 'Verify your income',
      StatusCallback: callback,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'queued',
      to: '+13035550100',
      from: '+15005550006',
      body: 'Verify your income',
    });
    expect(res.json.sid).toMatch(/^SM[0-9a-f]{32}$/);
    await waitFor(() => notify.requests.length === 3);
    const statuses = notify.requests.map((r) => new URLSearchParams(r.body).get('MessageStatus'));
    expect(statuses).toEqual(['queued', 'sent', 'delivered']);
    for (const req of notify.requests) {
      expect(req.url).toBe('/webhooks/twilio/status?job=1');
      expect(verify(req, callback)).toBe(true);
      expect(new URLSearchParams(req.body).get('MessageSid')).toBe(res.json.sid);
    }
    const fetched = await fetch(`${sandbox.url}/2010-04-01/Accounts/${SID}/Messages/${res.json.sid}.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}` },
    });
    expect(((await fetched.json()) as Json).status).toBe('delivered');
  });

  it('reports undelivered and failed for numbers set up that way; accepted for messaging services', async () => {
    await call(sandbox, 'PUT', '/sandbox/sms/numbers/+13035550111', { behavior: 'undelivered' });
    await call(sandbox, 'PUT', '/sandbox/sms/numbers/+13035550112', { behavior: 'failed' });
    const cb = `${notify.url}/status`;
    await send({ To: '+13035550111', From: '+15005550006', Body: 'a', StatusCallback: cb });
    await send({ To: '+13035550112', MessagingServiceSid: 'MG123', Body: 'b', StatusCallback: cb }).then(
      (r) => expect(r.json).toMatchObject({ status: 'accepted', from: null, messaging_service_sid: 'MG123' }),
    );
    await waitFor(() => notify.requests.length === 5);
    const byTo = (to: string) =>
      notify.requests
        .map((r) => new URLSearchParams(r.body))
        .filter((p) => p.get('To') === to)
        .map((p) => `${p.get('MessageStatus')}${p.get('ErrorCode') ? `:${p.get('ErrorCode')}` : ''}`);
    expect(byTo('+13035550111')).toEqual(['queued', 'sent', 'undelivered:30003']);
    expect(byTo('+13035550112')).toEqual(['queued', 'failed:30006']);
  });

  it('handles STOP: auto-reply, signed inbound webhook with OptOutType, then 21610 until START', async () => {
    await send({ To: '+13035550100', From: '+15005550007', Body: 'Your invite' });
    const stop = await call(sandbox, 'POST', '/sandbox/sms/inbound', {
      from: '+13035550100',
      body: ' stop ',
    });
    expect(stop.json.optOutType).toBe('STOP');
    const inbound = await waitFor(() => notify.requests.find((r) => r.url === '/webhooks/twilio/inbound'));
    const params = new URLSearchParams(inbound.body);
    expect(Object.fromEntries(params)).toMatchObject({
      From: '+13035550100',
      To: '+15005550007', // the number that texted them
      Body: ' stop ',
      AccountSid: SID,
      OptOutType: 'STOP',
    });
    expect(params.get('MessageSid')).toMatch(/^SM/);
    expect(verify(inbound, `${notify.url}/webhooks/twilio/inbound`)).toBe(true);

    const refused = await send({ To: '+13035550100', From: '+15005550007', Body: 'Reminder' });
    expect(refused).toEqual({ status: 400, json: expect.objectContaining({ code: 21610 }) });

    const messages = await call(sandbox, 'GET', '/sandbox/messages?recipient=%2B13035550100');
    expect(messages.json.messages.map((m: { direction: string }) => m.direction)).toEqual([
      'outbound-api',
      'outbound-reply',
    ]);

    await call(sandbox, 'POST', '/sandbox/sms/inbound', { from: '+13035550100', body: 'START' });
    expect((await send({ To: '+13035550100', From: '+15005550007', Body: 'Reminder' })).status).toBe(201);
    const help = await call(sandbox, 'POST', '/sandbox/sms/inbound', { from: '+13035550100', body: 'help' });
    expect(help.json.optOutType).toBe('HELP');
  });

  describe('message list (GET Messages.json)', () => {
    const list = (query: string, auth = `${SID}:${TOKEN}`, accountSid = SID) =>
      fetch(`${sandbox.url}/2010-04-01/Accounts/${accountSid}/Messages.json${query}`, {
        headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Json }));
    const RFC_2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
    const today = () => new Date().toISOString().slice(0, 10);
    const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

    it('needs the same Basic auth as sending', async () => {
      expect(await list('', `${SID}:wrong`)).toEqual({
        status: 401,
        json: expect.objectContaining({ code: 20003 }),
      });
      expect((await list('', `${SID}:${TOKEN}`, 'ACother')).status).toBe(401);
    });

    it("lists the account's messages newest first, as the resources send returns, filtered by To/From", async () => {
      const a = await send({ To: '+13035550100', From: '+15005550006', Body: 'first' });
      const b = await send({ To: '+13035550101', From: '+15005550006', Body: 'second' });
      const c = await send({ To: '+13035550100', From: '+15005550007', Body: 'third' });
      sandbox.state.sms.messages.push({
        ...sandbox.state.sms.messages[0],
        sid: `SM${'f'.repeat(32)}`,
        accountSid: 'ACsomeoneelse',
      } as (typeof sandbox.state.sms.messages)[number]);

      const all = await list('');
      expect(all.status).toBe(200);
      expect(all.json.messages.map((m: Json) => m.sid)).toEqual([c.json.sid, b.json.sid, a.json.sid]);
      expect(all.json).toMatchObject({
        page: 0,
        page_size: 50,
        start: 0,
        end: 2,
        next_page_uri: null,
        previous_page_uri: null,
        first_page_uri: `/2010-04-01/Accounts/${SID}/Messages.json?PageSize=50&Page=0`,
        uri: `/2010-04-01/Accounts/${SID}/Messages.json?PageSize=50&Page=0`,
      });
      const listed = all.json.messages[2];
      expect(Object.keys(listed).sort()).toEqual(Object.keys(a.json).sort());
      expect(listed.date_created).toMatch(RFC_2822);

      const to = await list('?To=%2B13035550100');
      expect(to.json.messages.map((m: Json) => m.body)).toEqual(['third', 'first']);
      const toFrom = await list('?To=%2B13035550100&From=%2B15005550006');
      expect(toFrom.json.messages.map((m: Json) => m.body)).toEqual(['first']);
    });

    it("filters on date_sent: exact day, Twilio's DateSent< / DateSent> names, days and date-times", async () => {
      const sent = await send({ To: '+13035550100', From: '+15005550006', Body: 'dated' });
      await waitFor(() => sandbox.state.sms.messages.find((m) => m.status === 'delivered'));
      expect((await list('')).json.messages[0].date_sent).toMatch(RFC_2822);
      const bodies = async (query: string) => {
        const res = await list(query);
        expect(res.status).toBe(200);
        return res.json.messages.map((m: Json) => m.sid);
      };
      expect(await bodies(`?DateSent=${today()}`)).toEqual([sent.json.sid]);
      expect(await bodies(`?DateSent=${dayOffset(-1)}`)).toEqual([]);
      expect(await bodies(`?DateSent%3E=${dayOffset(-1)}`)).toEqual([sent.json.sid]);
      expect(await bodies(`?DateSent%3E=${dayOffset(1)}`)).toEqual([]);
      expect(await bodies(`?DateSent%3C=${dayOffset(1)}`)).toEqual([sent.json.sid]);
      expect(await bodies(`?DateSent%3C=${today()}`)).toEqual([]); // on or before today's midnight
      const hourAgo = new Date(Date.now() - 3_600_000);
      expect(await bodies(`?DateSent%3E=${encodeURIComponent(hourAgo.toISOString())}`)).toEqual([
        sent.json.sid,
      ]);
      const rfc = hourAgo.toUTCString().replace('GMT', '+0000');
      expect(await bodies(`?DateSent%3C=${encodeURIComponent(rfc)}`)).toEqual([]);
    });

    it('refuses bad filters and paging with 400 and Twilio error 20001', async () => {
      for (const query of ['?DateSent=24-11-2026', '?DateSent%3E=tomorrow', '?PageSize=1001', '?Page=x']) {
        expect(await list(query), query).toEqual({
          status: 400,
          json: expect.objectContaining({ code: 20001, status: 400 }),
        });
      }
      expect((await list(`?PageToken=PASM${'0'.repeat(32)}`)).json.message).toContain('unknown message');
    });

    it('pages with PageSize, following next_page_uri and previous_page_uri', async () => {
      const sids: string[] = [];
      for (let i = 0; i < 5; i++)
        sids.unshift((await send({ To: '+13035550100', From: '+15005550006', Body: `m${i}` })).json.sid);
      const follow = (uri: string) => list(uri.slice(uri.indexOf('?')));
      const first = await list('?To=%2B13035550100&PageSize=2');
      expect(first.json.messages.map((m: Json) => m.sid)).toEqual(sids.slice(0, 2));
      expect(first.json.next_page_uri).toMatch(/[?&]To=%2B13035550100&PageSize=2&Page=1&PageToken=PASM/);
      const second = await follow(first.json.next_page_uri);
      expect(second.json).toMatchObject({ page: 1, start: 2, end: 3 });
      expect(second.json.messages.map((m: Json) => m.sid)).toEqual(sids.slice(2, 4));
      const third = await follow(second.json.next_page_uri);
      expect(third.json.messages.map((m: Json) => m.sid)).toEqual(sids.slice(4));
      expect(third.json.next_page_uri).toBeNull();
      const back = await follow(third.json.previous_page_uri);
      expect(back.json.messages.map((m: Json) => m.sid)).toEqual(sids.slice(2, 4));
      expect((await list('?PageSize=2&Page=2')).json.messages.map((m: Json) => m.sid)).toEqual(sids.slice(4));
    });
  });

  it('injects faults on the API', async () => {
    await call(sandbox, 'POST', '/sandbox/faults', {
      target: 'sms',
      kind: 'rate_limit',
      retryAfterSeconds: 3,
      count: 1,
    });
    const limited = await send({ To: '+13035550100', From: '+15005550006', Body: 'x' });
    expect(limited).toEqual({ status: 429, json: expect.objectContaining({ code: 20429 }) });
    expect((await send({ To: '+13035550100', From: '+15005550006', Body: 'x' })).status).toBe(201);
  });
});
