import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector } from '../faults/faults.ts';
import { httpFaultHook } from '../faults/http.ts';
import { listMessages, parseListQuery } from './message-list.ts';
import { newSid, type SmsMessage } from './store.ts';
import { E164, messageResource, progressMessage, type TwilioDeps, twilioError } from './twilio.ts';

const first = (v: unknown): string | undefined =>
  Array.isArray(v) ? first(v[0]) : typeof v === 'string' && v !== '' ? v : undefined;

const equal = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Twilio's Messages API: HTTP Basic auth with AccountSid:AuthToken; the path must name the same account. */
export async function twilioRoutes(
  app: FastifyInstance,
  deps: TwilioDeps & { faults: FaultInjector },
): Promise<void> {
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : '';
    const [user = '', ...rest] = decoded.split(':');
    const { AccountSid } = request.params as { AccountSid: string };
    if (
      user !== deps.accountSid ||
      AccountSid !== deps.accountSid ||
      !equal(rest.join(':'), deps.authToken)
    ) {
      return reply.code(401).send(twilioError(401, 20003, 'Authenticate'));
    }
  };
  app.addHook('onRequest', authenticate);
  app.addHook(
    'preHandler',
    httpFaultHook(deps.faults, 'sms', (status, message) =>
      twilioError(status, status === 429 ? 20429 : 20500, message),
    ),
  );

  app.post('/2010-04-01/Accounts/:AccountSid/Messages.json', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const to = first(form.To);
    const from = first(form.From);
    const messagingServiceSid = first(form.MessagingServiceSid);
    const body = first(form.Body);
    const statusCallback = first(form.StatusCallback);
    const fail = (code: number, message: string) => reply.code(400).send(twilioError(400, code, message));

    if (!to) return fail(21604, "A 'To' phone number is required.");
    if (!from && !messagingServiceSid) return fail(21603, "A 'From' phone number is required.");
    if (from && !E164.test(from))
      return fail(21212, `The 'From' number ${from} is not a valid phone number.`);
    if (!body) return fail(21602, 'Message body is required.');
    if (body.length > 1600)
      return fail(21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (statusCallback && !/^https?:\/\//.test(statusCallback))
      return fail(21609, 'Invalid StatusCallback url.');
    const behavior = deps.store.behaviorOf(to);
    if (!E164.test(to) || behavior === 'invalid')
      return fail(21211, `The 'To' number ${to} is not a valid phone number.`);
    if (deps.store.optedOut.has(to)) return fail(21610, 'Attempt to send to unsubscribed recipient');

    const now = new Date().toISOString();
    // With a messaging service Twilio first answers "accepted" and picks the sender later.
    const status = from ? 'queued' : 'accepted';
    const message: SmsMessage = {
      sid: newSid('SM'),
      accountSid: deps.accountSid,
      direction: 'outbound-api',
      from: from ?? null,
      to,
      messagingServiceSid: messagingServiceSid ?? null,
      body,
      status,
      statusHistory: [{ status, at: now }],
      ...(statusCallback ? { statusCallback } : {}),
      errorCode: null,
      createdAt: now,
    };
    deps.store.messages.push(message);
    void progressMessage(deps, message, behavior).catch((error: unknown) =>
      request.log.error({ err: error }, 'sms status progression failed'),
    );
    return reply.code(201).send(messageResource(message));
  });

  app.get('/2010-04-01/Accounts/:AccountSid/Messages.json', async (request, reply) => {
    const fail = (message: string) => reply.code(400).send(twilioError(400, 20001, message));
    const parsed = parseListQuery(request.query as Record<string, unknown>);
    if (!parsed.ok) return fail(parsed.message);
    const path = `/2010-04-01/Accounts/${deps.accountSid}/Messages.json`;
    const result = listMessages(deps.store.messages, deps.accountSid, parsed.query, path);
    if (!result.ok) return fail(result.message);
    return { ...result.page, messages: result.page.messages.map(messageResource) };
  });

  app.get('/2010-04-01/Accounts/:AccountSid/Messages/:Sid', async (request, reply) => {
    const sid = (request.params as { Sid: string }).Sid.replace(/\.json$/, '');
    const message = deps.store.messages.find((m) => m.sid === sid);
    if (!message)
      return reply
        .code(404)
        .send(twilioError(404, 20404, `The requested resource /Messages/${sid}.json was not found`));
    return messageResource(message);
  });
}
