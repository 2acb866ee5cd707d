import { sendProblem } from '@autoverify/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantScope } from '../domain/address.ts';
import { unsubscribePage } from '../domain/templates/unsubscribe-page.ts';
import { verifyUnsubscribeToken } from '../domain/unsubscribe-token.ts';
import type { NotifyContext } from '../service.ts';
import { addSuppression } from '../store.ts';

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

/**
 * The unsubscribe link of reminder emails. GET only shows a confirmation page (mail scanners follow links,
 * and a GET must not unsubscribe anyone); POST unsubscribes, from the page's button or as the RFC 8058
 * one-click POST that mail clients send for `List-Unsubscribe-Post`.
 */
export async function unsubscribeRoutes(app: FastifyInstance, ctx: NotifyContext): Promise<void> {
  const secret = ctx.env.UNSUBSCRIBE_SECRET;
  // The POST body carries nothing we need ("List-Unsubscribe=One-Click", form-encoded or multipart).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    payload.on('end', () => done(null, undefined));
    payload.on('error', (error) => done(error, undefined));
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
    });
  };

  // A wildcard, not `:token`: route parameters are capped at 100 characters and a token that carries an
  // email address can be longer.
  const tokenOf = (request: FastifyRequest) => (request.params as { '*': string })['*'];

  app.get('/unsubscribe/*', async (request, reply) => {
    const target = verifyUnsubscribeToken(secret, tokenOf(request));
    if (!target) return invalid(request, reply);
    const senderName = ctx.tenants.get(target.tenantId)?.name;
    return reply.type('text/html; charset=utf-8').send(unsubscribePage({ state: 'confirm', senderName }));
  });

  app.post('/unsubscribe/*', async (request, reply) => {
    const target = verifyUnsubscribeToken(secret, tokenOf(request));
    if (!target) return invalid(request, reply);
    await addSuppression(ctx.db.client, {
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
