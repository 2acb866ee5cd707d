import { sendProblem } from '@autoverify/service-kit';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseAddress, senderScope } from '../domain/address.ts';
import { keywordReply, twiml } from '../domain/inbound-replies.ts';
import { brandForSenderNumber } from '../domain/sender-brand.ts';
import { parseKeyword } from '../domain/sms-keywords.ts';
import { type FormParams, signedByTwilio } from '../domain/twilio-signature.ts';
import { recordUndelivered } from '../handlers/outcomes.ts';
import type { NotifyContext } from '../service.ts';
import { addSuppression, recordDeliveryCallback, recordInbound, removeSuppression } from '../store.ts';

const FAILED_STATUSES = new Set(['undelivered', 'failed']);
/** Twilio's form posts are a few hundred bytes (an SMS body is at most 1600 characters). */
const WEBHOOK_BODY_LIMIT = 64 * 1024;

const first = (value: unknown): string | undefined =>
  Array.isArray(value) ? first(value[0]) : typeof value === 'string' ? value : undefined;

// Twilio's ids, numbers and statuses never hold control characters; PostgreSQL cannot store NUL at all
// (it would be a 500 on every retry).
const hasControl = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code === 127) return true;
  }
  return false;
};
/** The parameter when present and free of control characters; '' when absent; undefined when unusable. */
const field = (params: FormParams, name: string): string | undefined => {
  const value = first(params[name]) ?? '';
  return hasControl(value) ? undefined : value;
};

/** Inbound SMS (opt-out keywords) and delivery status callbacks, both signed by Twilio. */
export async function twilioWebhookRoutes(app: FastifyInstance, ctx: NotifyContext): Promise<void> {
  // Twilio posts application/x-www-form-urlencoded only: anything else is a 415.
  app.removeAllContentTypeParsers();
  await app.register(formbody);
  // Our public base URL as Twilio calls it: the signature covers the full URL Twilio used.
  const base = ctx.publicUrl;
  // Two while the auth token is rotated: Twilio signs with the new one as soon as it is switched there.
  const authTokens = [ctx.env.TWILIO_AUTH_TOKEN, ctx.env.TWILIO_AUTH_TOKEN_PREVIOUS].filter(
    (t): t is string => typeof t === 'string' && t !== '',
  );

  const verified = (request: FastifyRequest, reply: FastifyReply): FormParams | undefined => {
    const params = (request.body ?? {}) as FormParams;
    const signature = first(request.headers['x-twilio-signature']);
    if (!signedByTwilio(authTokens, `${base}${request.url}`, params, signature)) {
      sendProblem(reply, 403, 'Forbidden', 'X-Twilio-Signature is missing or does not match this request', {
        type: 'urn:problem:invalid-signature',
      });
      return undefined;
    }
    return params;
  };

  app.post('/webhooks/twilio/inbound', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
    const params = verified(request, reply);
    if (!params) return reply;
    const from = field(params, 'From');
    const to = field(params, 'To');
    const messageSid = field(params, 'MessageSid');
    if (!from || !to || !messageSid) {
      return sendProblem(
        reply,
        400,
        'Bad Request',
        'From, To and MessageSid are required, without control characters',
        { type: 'urn:problem:bad-request' },
      );
    }
    // The text is kept as evidence of an opt-out, as received, except NUL (which PostgreSQL cannot store).
    const body = (first(params.Body) ?? '').replaceAll('\u0000', '\uFFFD');
    const action = parseKeyword(body);
    const address = normaliseAddress('sms', from);
    const scope = senderScope(to);
    const isNew = await ctx.db.transaction(async (tx) => {
      const inserted = await recordInbound(tx.sql, {
        messageSid,
        from: address,
        to: normaliseAddress('sms', to),
        body,
        action,
      });
      // Only a new message changes the opt-out: a replayed old STOP must not undo a later START (or the
      // other way round). Honoured at once (the rules allow up to 10 business days).
      if (inserted && action === 'stop')
        await addSuppression(tx.sql, { channel: 'sms', scope, address, source: 'keyword' });
      if (inserted && action === 'start') await removeSuppression(tx.sql, { channel: 'sms', scope, address });
      return inserted;
    });
    if (!isNew) {
      ctx.logger.info({ messageSid, action }, 'inbound SMS already recorded: no change, no second reply');
      return reply.type('text/xml; charset=utf-8').send(twiml(undefined));
    }
    ctx.logger.info({ messageSid, action }, 'inbound SMS recorded');
    return reply
      .type('text/xml; charset=utf-8')
      .send(
        twiml(keywordReply(action, brandForSenderNumber(ctx.tenants.all(), normaliseAddress('sms', to)))),
      );
  });

  app.post('/webhooks/twilio/status', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
    const params = verified(request, reply);
    if (!params) return reply;
    const messageSid = field(params, 'MessageSid');
    const status = field(params, 'MessageStatus')?.toLowerCase();
    const errorCode = field(params, 'ErrorCode');
    if (!messageSid || !status || errorCode === undefined) {
      return sendProblem(
        reply,
        400,
        'Bad Request',
        'MessageSid and MessageStatus are required, and no parameter may hold control characters',
        { type: 'urn:problem:bad-request' },
      );
    }
    // Committed on its own first: a failure is then applied here or by the send's record (applyDeliveryFailure).
    await recordDeliveryCallback(ctx.db.sql, { messageSid, status, errorCode: errorCode || undefined });
    if (FAILED_STATUSES.has(status))
      await ctx.db.transaction((tx) =>
        recordUndelivered(ctx, tx, messageSid, status, errorCode || undefined),
      );
    ctx.logger.info({ messageSid, status, errorCode }, 'SMS status callback');
    return reply.code(204).send();
  });
}
