import { type HttpServer, sendProblem } from '@autoverify/service-kit';
import Type from 'typebox';
import { timeline } from '../console/timeline.ts';
import { parseApplicationRef } from '../domain/application-ref.ts';
import type { SupportContext } from '../service.ts';
import { listAudit } from '../store.ts';
import { callerOf, requireScope } from './auth.ts';
import { guard, Limit } from './problems.ts';

/** An application's timeline (masked unless pii:read asks otherwise) and the audit log. */
export function timelineRoutes(app: HttpServer, ctx: SupportContext): void {
  app.get(
    '/admin/applications/:id/timeline',
    {
      preHandler: requireScope(ctx.tokens, 'timeline:read'),
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }),
        querystring: Type.Object({ unmask: Type.Boolean({ default: false }) }),
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
      return guard(reply, async () => {
        const ref = parseApplicationRef(request.params.id);
        const events = await timeline(ctx, caller, ref, request.query.unmask);
        return { applicationId: ref.applicationId, masked: !request.query.unmask, events };
      });
    },
  );

  app.get(
    '/admin/audit',
    {
      preHandler: requireScope(ctx.tokens, 'audit:read'),
      schema: { querystring: Type.Object({ limit: Limit }) },
    },
    async (request) => ({ entries: await listAudit(ctx.db.client, request.query.limit) }),
  );
}
