import { sendProblem } from '@autoverify/service-kit';
import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { normaliseAddress, tenantScope } from '../domain/address.ts';
import { unsubscribePage } from '../domain/templates/unsubscribe-page.ts';
import {
  type UnsubscribeReference,
  type UnsubscribeTarget,
  verifyUnsubscribeToken,
} from '../domain/unsubscribe-token.ts';
import type { NotifyContext } from '../service.ts';
import { addSuppression, findNotification } from '../store.ts';

/**
 * The POST body carries nothing we need ("List-Unsubscribe=One-Click", form-encoded or multipart, a few
 * dozen bytes): more is refused (413) and nothing of it is kept.
 */
export const UNSUBSCRIBE_BODY_LIMIT = 1024;

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/**
 * The unsubscribe link of reminder emails. GET only shows a confirmation page (mail scanners follow links,
 * and a GET must not unsubscribe anyone); POST unsubscribes, from the page's button or as the RFC 8058
 * one-click POST that mail clients send for `List-Unsubscribe-Post`.
 */
export async function unsubscribeRoutes(app: FastifyInstance, ctx: NotifyContext): Promise<void> {
  const secrets = [ctx.env.UNSUBSCRIBE_SECRET, ctx.env.UNSUBSCRIBE_SECRET_PREVIOUS].filter(
    (s): s is string => typeof s === 'string' && s !== '',
  );
  // Counted and dropped as it arrives, never buffered; over the limit -> 413 (fastify closes the connection).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const tooLarge = () => new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    if (Number(request.headers['content-length']) > UNSUBSCRIBE_BODY_LIMIT)
      return done(tooLarge(), undefined);
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= UNSUBSCRIBE_BODY_LIMIT) return;
      payload.off('data', onData);
      payload.off('end', onEnd);
      done(tooLarge(), undefined);
    };
    const onEnd = () => done(null, undefined);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.once('error', (error) => done(error, undefined));
  });

  const invalid = (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'GET' || wantsHtml(request)) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(unsubscribePage({ state: 'invalid' }));
    }
    return sendProblem(reply, 400, 'Bad Request', 'The unsubscribe link is not valid', {
      type: 'urn:problem:invalid-unsubscribe-token',
      instance: undefined,
    });
  };

  // A wildcard, not `:token`: route parameters are capped at 100 characters.
  const referenceOf = (request: FastifyRequest) =>
    verifyUnsubscribeToken(secrets, (request.params as { '*': string })['*']);

  /** Who the link unsubscribes: the address of the notification it was sent with (or, in an old link, in it). */
  const targetOf = async (reference: UnsubscribeReference): Promise<UnsubscribeTarget | undefined> => {
    if (reference.kind === 'address') return reference.target;
    const notification = await findNotification(ctx.db.sql, reference.notificationId);
    if (notification?.channel !== 'email') return undefined;
    return {
      tenantId: notification.tenantId,
      channel: 'email',
      address: normaliseAddress('email', notification.recipient),
    };
  };

  const routeOptions = {
    bodyLimit: UNSUBSCRIBE_BODY_LIMIT,
    // A forged or malformed link is refused before any body is read; closing the connection spares reading
    // what the client may still send.
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      if (referenceOf(request)) return undefined;
      reply.header('connection', 'close');
      return invalid(request, reply);
    },
  };

  app.get('/unsubscribe/*', routeOptions, async (request, reply) => {
    const reference = referenceOf(request);
    const target = reference && (await targetOf(reference));
    if (!target) return invalid(request, reply);
    const senderName = ctx.tenants.get(target.tenantId)?.name;
    return reply.type('text/html; charset=utf-8').send(unsubscribePage({ state: 'confirm', senderName }));
  });

  app.post('/unsubscribe/*', routeOptions, async (request, reply) => {
    const reference = referenceOf(request);
    const target = reference && (await targetOf(reference));
    if (!target) return invalid(request, reply);
    await addSuppression(ctx.db.sql, {
      channel: target.channel,
      scope: tenantScope(target.tenantId),
      address: target.address,
      source: 'unsubscribe-link',
    });
    ctx.logger.info({ tenantId: target.tenantId, channel: target.channel }, 'unsubscribed through link');
    const senderName = ctx.tenants.get(target.tenantId)?.name;
    return reply.type('text/html; charset=utf-8').send(unsubscribePage({ state: 'done', senderName }));
  });
}
