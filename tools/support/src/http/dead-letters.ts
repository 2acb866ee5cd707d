import type { HttpServer } from '@autoverify/service-kit';
import Type from 'typebox';
import { listDeadLetters, redrive, showDeadLetter } from '../console/dead-letters.ts';
import type { SupportContext } from '../service.ts';
import { callerOf, requireScope } from './auth.ts';
import { guard, Limit, Reason } from './problems.ts';

const Consumer = Type.String({ minLength: 1, maxLength: 100 });
const DeadLetterParams = Type.Object({
  consumer: Consumer,
  partition: Type.Integer({ minimum: 0 }),
  offset: Type.String({ pattern: '^[0-9]{1,19}$' }),
});

export function deadLetterRoutes(app: HttpServer, ctx: SupportContext): void {
  const preHandler = requireScope(ctx.tokens, 'dlq');

  app.get(
    '/admin/dead-letters',
    { preHandler, schema: { querystring: Type.Object({ consumer: Consumer, last: Limit }) } },
    async (request, reply) =>
      guard(reply, async () => ({
        consumer: request.query.consumer,
        deadLetters: await listDeadLetters(ctx, request.query.consumer, request.query.last),
      })),
  );

  app.get(
    '/admin/dead-letters/:consumer/:partition/:offset',
    { preHandler, schema: { params: DeadLetterParams } },
    async (request, reply) =>
      guard(reply, () => {
        const { consumer, partition, offset } = request.params;
        return showDeadLetter(ctx, consumer, partition, offset);
      }),
  );

  app.post(
    '/admin/dead-letters/:consumer/:partition/:offset/redrive',
    {
      preHandler,
      schema: {
        params: DeadLetterParams,
        body: Type.Object(
          { reason: Reason, force: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      guard(reply, async () => {
        const result = await redrive(ctx, callerOf(request), request.params, request.body);
        reply.code(201);
        return result;
      }),
  );
}
