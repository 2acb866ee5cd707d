import { sendProblem } from '@autoverify/service-kit';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseAddress, senderScope } from '../domain/address.ts';
import { keywordReply, twiml } from '../domain/inbound-replies.ts';
import { brandForSenderNumber } from '../domain/sender-brand.ts';
import { parseKeyword } from '../domain/sms-keywords.ts';
import { type FormParams, verifyTwilioSignature } from '../domain/twilio-signature.ts';
import { recordUndelivered } from '../handlers/outcomes.ts';
import type { NotifyContext } from '../service.ts';
import {
  addSuppression,
  lockMessage,
  recordDeliveryCallback,
  recordInbound,
  removeSuppression,
} from '../store.ts';

const FAILED_STATUSES = new Set(['undelivered', 'failed']);

const first = (value: unknown): string | undefined =>
  Array.isArray(value) ? first(value[0]) : typeof value === 'string' ? value : undefined;

/** Inbound SMS (opt-out keywords) and delivery status callbacks, both signed by Twilio. */
export async function twilioWebhookRoutes(app: FastifyInstance, ctx: NotifyContext): Promise<void> {
  await app.register(formbody);
  // Our public base URL as Twilio calls it: the signature covers the full URL Twilio used.
  const base = ctx.publicUrl;
  const authToken = ctx.env.TWILIO_AUTH_TOKEN;

  const verified = (request: FastifyRequest, reply: FastifyReply): FormParams | undefined => {
    const params = (request.body ?? {}) as FormParams;
    const signature = request.headers['x-twilio-signature'];
    if (!verifyTwilioSignature(authToken, `${base}${request.url}`, params, first(signature))) {
      sendProblem(reply, 403, 'Forbidden', 'X-Twilio-Signature is missing or does not match this request', {
        type: 'urn:problem:invalid-signature',
      });
      return undefined;
    }
    return params;
  };

  app.post('/webhooks/twilio/inbound', async (request, reply) => {
    const params = verified(request, reply);
    if (!params) return reply;
    const from = first(params.From);
    const to = first(params.To);
    const messageSid = first(params.MessageSid);
    if (!from || !to || !messageSid) {
      return sendProblem(reply, 400, 'Bad Request', 'From, To and MessageSid are required', {
        type: 'urn:problem:bad-request',
      });
    }
    const body = first(params.Body) ?? '';
    const action = parseKeyword(body);
    const address = normaliseAddress('sms', from);
    const scope = senderScope(to);
    await ctx.db.run(async (tx) => {
      await recordInbound(tx, { messageSid, from: address, to: normaliseAddress('sms', to), body, action });
      // Honoured at once (the rules allow up to 10 business days): the next send checks this list.
      if (action === 'stop') await addSuppression(tx, { channel: 'sms', scope, address, source: 'keyword' });
      if (action === 'start') await removeSuppression(tx, { channel: 'sms', scope, address });
    });
    ctx.logger.info({ messageSid, action }, 'inbound SMS recorded');
    return reply
      .type('text/xml; charset=utf-8')
      .send(
        twiml(keywordReply(action, brandForSenderNumber(ctx.tenants.all(), normaliseAddress('sms', to)))),
      );
  });

  app.post('/webhooks/twilio/status', async (request, reply) => {
    const params = verified(request, reply);
    if (!params) return reply;
    const messageSid = first(params.MessageSid);
    const status = first(params.MessageStatus)?.toLowerCase();
    if (!messageSid || !status) {
      return sendProblem(reply, 400, 'Bad Request', 'MessageSid and MessageStatus are required', {
        type: 'urn:problem:bad-request',
      });
    }
    const errorCode = first(params.ErrorCode) || undefined;
    await ctx.db.run(async (tx) => {
      await lockMessage(tx, messageSid);
      await recordDeliveryCallback(tx, { messageSid, status, errorCode });
      if (FAILED_STATUSES.has(status)) await recordUndelivered(ctx, tx, messageSid, status, errorCode);
    });
    ctx.logger.info({ messageSid, status, errorCode }, 'SMS status callback');
    return reply.code(204).send();
  });
}
