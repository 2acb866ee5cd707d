import { serviceNames } from '@autoverify/contracts';
import type { HttpServer } from '@autoverify/service-kit';
import Type from 'typebox';
import { actOnFailedOutbox, listFailedOutbox } from '../console/outbox.ts';
import type { SupportContext } from '../service.ts';
import { callerOf, requireScope } from './auth.ts';
import { forward, guard, Limit, Reason } from './problems.ts';

const Service = Type.Union(serviceNames.map((name) => Type.Literal(name)));
const Id = Type.String({ pattern: '^[1-9][0-9]{0,18}$' });

/** Set-aside outbox rows of each service (undeliverable events, like dead letters: scope dlq). */
export function outboxRoutes(app: HttpServer, ctx: SupportContext): void {
  const preHandler = requireScope(ctx.tokens, 'dlq');

  app.get(
    '/admin/outbox/:service/failed',
    {
      preHandler,
      schema: { params: Type.Object({ service: Service }), querystring: Type.Object({ limit: Limit }) },
    },
    async (request, reply) =>
      guard(reply, async () =>
        forward(reply, await listFailedOutbox(ctx, request.params.service, request.query.limit)),
      ),
  );

  for (const action of ['requeue', 'discard'] as const)
    app.post(
      `/admin/outbox/:service/failed/:id/${action}`,
      {
        preHandler,
        schema: {
          params: Type.Object({ service: Service, id: Id }),
          body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        },
      },
      async (request, reply) =>
        guard(reply, async () =>
          forward(
            reply,
            await actOnFailedOutbox(ctx, callerOf(request), {
              ...request.params,
              action,
              reason: request.body.reason,
            }),
          ),
        ),
    );
}
