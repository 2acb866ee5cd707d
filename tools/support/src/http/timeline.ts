import { type HttpServer, sendProblem } from '@autoverify/service-kit';
import Type from 'typebox';
import { timeline } from '../console/timeline.ts';
import { parseApplicationRef } from '../domain/application-ref.ts';
import { OPERATOR_HEADER } from '../domain/operator.ts';
import type { SupportContext } from '../service.ts';
import { listAudit } from '../store.ts';
import { callerOf, requireScope } from './auth.ts';
import { guard, Limit, Reason } from './problems.ts';

const Operator = Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7E]+$' });

/** An application's timeline (masked unless pii:read asks otherwise, with a reason) and the audit log. */
export function timelineRoutes(app: HttpServer, ctx: SupportContext): void {
  app.get(
    '/admin/applications/:id/timeline',
    {
      preHandler: requireScope(ctx.tokens, 'timeline:read'),
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }),
        querystring: Type.Object({
          unmask: Type.Boolean({ default: false }),
          reason: Type.Optional(Reason),
        }),
        headers: Type.Object({ [OPERATOR_HEADER]: Type.Optional(Operator) }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (request.query.unmask && !caller.scopes.has('pii:read'))
        return sendProblem(
          reply,
          403,
          'Forbidden',
          `The token of ${caller.name} lacks the scope "pii:read" needed to unmask`,
          { type: 'urn:problem:forbidden', requiredScope: 'pii:read' },
        );
      const { unmask, reason } = request.query;
      if (unmask && reason === undefined)
        return sendProblem(
          reply,
          400,
          'Bad Request',
          'Unmasking needs a reason, which is recorded: add reason=<ticket or why> (CLI: --reason)',
          { type: 'urn:problem:bad-request' },
        );
      return guard(reply, async () => {
        const ref = parseApplicationRef(request.params.id);
        const operator = request.headers[OPERATOR_HEADER];
        const events = await timeline(
          ctx,
          caller,
          ref,
          unmask ? { reason: reason as string, operator } : undefined,
        );
        return { applicationId: ref.applicationId, masked: !request.query.unmask, events };
      });
    },
  );

  app.get(
    '/admin/audit',
    {
      preHandler: requireScope(ctx.tokens, 'audit:read'),
      schema: {
        querystring: Type.Object({
          limit: Limit,
          action: Type.Optional(Type.String({ pattern: '^[a-z][a-z.-]{1,60}$' })),
        }),
      },
    },
    async (request) => ({
      entries: await listAudit(ctx.db.client, request.query.limit, request.query.action),
    }),
  );
}
