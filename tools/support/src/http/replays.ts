import { consumerNames } from '@autoverify/contracts';
import type { HttpServer } from '@autoverify/service-kit';
import Type from 'typebox';
import { replay } from '../console/replay.ts';
import { parseApplicationRef } from '../domain/application-ref.ts';
import { ReplayRequestError, type ReplayScope } from '../domain/replay.ts';
import type { SupportContext } from '../service.ts';
import { listReplays } from '../store.ts';
import { callerOf, requireScope } from './auth.ts';
import { guard, Limit, Reason } from './problems.ts';

const IsoTime = Type.String({ format: 'date-time' });

export function replayRoutes(app: HttpServer, ctx: SupportContext): void {
  app.post(
    '/admin/replays',
    {
      preHandler: requireScope(ctx.tokens, 'replay'),
      schema: {
        body: Type.Object(
          {
            // One object, checked below: fastify's ajv strips properties while trying anyOf branches.
            scope: Type.Object(
              {
                applicationId: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
                tenantId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' })),
                from: Type.Optional(IsoTime),
                to: Type.Optional(IsoTime),
              },
              { additionalProperties: false },
            ),
            target: Type.Optional(Type.Union(consumerNames.map((name) => Type.Literal(name)))),
            dryRun: Type.Boolean({ default: false }),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      guard(reply, async () => {
        const body = request.body;
        const result = await replay(ctx, callerOf(request), {
          scope: replayScopeOf(body.scope),
          ...(body.target ? { target: body.target } : {}),
          dryRun: body.dryRun,
          reason: body.reason,
        });
        reply.code(201);
        return result;
      }),
  );

  app.get(
    '/admin/replays',
    {
      preHandler: requireScope(ctx.tokens, 'timeline:read'),
      schema: { querystring: Type.Object({ limit: Limit }) },
    },
    async (request) => ({ replays: await listReplays(ctx.db.client, request.query.limit) }),
  );
}

/** {applicationId} (ours or entrata:<tenant>:<id>) or {tenantId, from, to}: exactly one of the two. */
function replayScopeOf(scope: {
  applicationId?: string;
  tenantId?: string;
  from?: string;
  to?: string;
}): ReplayScope {
  const { applicationId, tenantId, from, to } = scope;
  if (applicationId !== undefined) {
    if (tenantId !== undefined || from !== undefined || to !== undefined)
      throw new ReplayRequestError('scope: give applicationId alone, or tenantId with from and to');
    return { applicationId: parseApplicationRef(applicationId).applicationId };
  }
  if (tenantId === undefined || from === undefined || to === undefined)
    throw new ReplayRequestError('scope: give applicationId, or tenantId with from and to');
  return { tenantId, from, to };
}
