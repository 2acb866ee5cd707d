import type { HttpServer } from '@autoverify/service-kit';
import Type from 'typebox';
import { erasureStatus, requestErasure } from '../console/erasures.ts';
import type { SupportContext } from '../service.ts';
import { callerOf, requireScope } from './auth.ts';
import { Reason } from './problems.ts';

const Uuid = Type.String({ format: 'uuid' });
const TenantId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });

/** Erasure of one applicant (scope erase): the request, and which services confirmed it. */
export function erasureRoutes(app: HttpServer, ctx: SupportContext): void {
  const preHandler = requireScope(ctx.tokens, 'erase');

  app.post(
    '/admin/applicants/:applicantId/erase',
    {
      preHandler,
      schema: {
        params: Type.Object({ applicantId: Uuid }),
        body: Type.Object(
          { tenantId: TenantId, applicationId: Uuid, reason: Reason },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { tenantId, applicationId, reason } = request.body;
      const { applicantId } = request.params;
      const answer = await requestErasure(ctx, callerOf(request), {
        tenantId,
        applicationId,
        applicantId,
        reason,
      });
      return reply.code(202).send(answer);
    },
  );

  app.get(
    '/admin/erasures/:requestId',
    { preHandler, schema: { params: Type.Object({ requestId: Uuid }) } },
    async (request) => ctx.db.run((tx) => erasureStatus(tx, request.params.requestId)),
  );
}
