import { type HttpServer, sendProblem } from '@autoverify/service-kit';
import Type from 'typebox';
import type { ResendInvite } from '../handlers/resend-invite.ts';
import { bearerMatches } from './admin-auth.ts';

export interface AdminRoutesDeps {
  /** ADMIN_TOKEN; unset = the routes are not registered (404), rather than exist unprotected. */
  token?: string | undefined;
  resendInvite: ResendInvite;
}

// Unknown members are refused rather than dropped (fastify's Ajv removes them when
// additionalProperties is `false`): a misspelt `channel` must not silently mean "every channel".
const noOtherMembers = { additionalProperties: Type.Never() };

export const ResendInviteBody = Type.Object(
  {
    applicationId: Type.String({ format: 'uuid' }),
    applicantId: Type.String({ format: 'uuid' }),
    kind: Type.Enum(['income', 'identity']),
    channels: Type.Optional(
      Type.Array(Type.Enum(['email', 'sms']), {
        minItems: 1,
        uniqueItems: true,
        description: 'Default: every channel the applicant can be reached on and the property allows.',
      }),
    ),
    requestedBy: Type.String({ minLength: 1, maxLength: 100 }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  noOtherMembers,
);

const ResendInviteHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' }),
  ),
});

/**
 * The support team's commands, behind a bearer token. The token is checked in onRequest, before the
 * body is read or validated, so an unauthenticated caller learns nothing about the request format.
 */
export async function registerAdminRoutes(app: HttpServer, deps: AdminRoutesDeps): Promise<void> {
  const { token } = deps;
  if (!token) return;
  await app.register(async (scope: HttpServer) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (bearerMatches(request.headers.authorization, token)) return;
      request.log.warn({ hasAuthorization: Boolean(request.headers.authorization) }, 'admin request refused');
      reply.header('www-authenticate', 'Bearer realm="invite-admin"');
      return sendProblem(reply, 401, 'Unauthorized', 'A valid admin bearer token is required', {
        type: 'urn:problem:unauthorized',
      });
    });

    scope.post(
      '/admin/invites/resend',
      { schema: { body: ResendInviteBody, headers: ResendInviteHeaders } },
      async (request, reply) => {
        const result = await deps.resendInvite(request.body, request.headers['idempotency-key']);
        if (!result.ok) {
          const { status, title, detail, type } = result.problem;
          return sendProblem(reply, status, title, detail, { type });
        }
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(202).send(result.response);
      },
    );
  });
}
