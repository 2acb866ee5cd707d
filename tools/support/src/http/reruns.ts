import type { HttpServer } from '@autoverify/service-kit';
import Type from 'typebox';
import { reportAction, resendInvite } from '../console/reruns.ts';
import type { SupportContext } from '../service.ts';
import { callerOf, requireScope } from './auth.ts';
import { forward, guard, Reason } from './problems.ts';

const Uuid = Type.String({ format: 'uuid' });

/** Deliberate re-runs, forwarded to the service that owns the step (audited here). */
export function rerunRoutes(app: HttpServer, ctx: SupportContext): void {
  const preHandler = requireScope(ctx.tokens, 'rerun');

  for (const action of ['retry', 'reupload'] as const) {
    app.post(
      `/admin/reruns/${action}-report`,
      {
        preHandler,
        schema: {
          body: Type.Object(
            { reportId: Type.String({ minLength: 1, maxLength: 128 }), reason: Reason },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) =>
        guard(reply, async () =>
          forward(
            reply,
            await reportAction(ctx, callerOf(request), action, request.body.reportId, request.body.reason),
          ),
        ),
    );
  }

  app.post(
    '/admin/reruns/resend-invite',
    {
      preHandler,
      schema: {
        body: Type.Object(
          {
            applicationId: Uuid,
            applicantId: Uuid,
            kind: Type.Union([Type.Literal('income'), Type.Literal('identity')]),
            channels: Type.Optional(
              Type.Array(Type.Union([Type.Literal('email'), Type.Literal('sms')]), {
                minItems: 1,
                uniqueItems: true,
              }),
            ),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' }),
          ),
        }),
      },
    },
    async (request, reply) =>
      guard(reply, async () => {
        const key = request.headers['idempotency-key'];
        const result = await resendInvite(ctx, callerOf(request), {
          ...request.body,
          ...(key ? { idempotencyKey: key } : {}),
        });
        return forward(reply, result);
      }),
  );
}
