import { Channel, VerificationKind } from '@autoverify/contracts';
import { bearerAuth, type HttpServer, sendProblem } from '@autoverify/service-kit';
import Type from 'typebox';
import type { ResendInvite } from '../handlers/resend-invite.ts';

export interface AdminRoutesDeps {
  /**
   * [ADMIN_TOKEN, ADMIN_TOKEN_PREVIOUS]: the second only while the token is rotated. Without ADMIN_TOKEN the
   * routes are not registered (404), rather than exist unprotected.
   */
  tokens: [current: string | undefined, previous: string | undefined];
  resendInvite: ResendInvite;
}

// Unknown members are refused rather than dropped (fastify's Ajv removes them when
// additionalProperties is `false`): a misspelt `channel` must not silently mean "every channel".
const noOtherMembers = { additionalProperties: Type.Never() };

export const ResendInviteBody = Type.Object(
  {
    applicationId: Type.String({ format: 'uuid' }),
    applicantId: Type.String({ format: 'uuid' }),
    kind: VerificationKind,
    channels: Type.Optional(
      Type.Array(Channel, {
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
 * The support team's commands, behind a bearer token (service-kit's bearerAuth: 401 without one, 403 with
 * a wrong one). The token is checked in onRequest, before the body is read or validated, so an
 * unauthenticated caller learns nothing about the request format.
 */
export async function adminRoutes(app: HttpServer, deps: AdminRoutesDeps): Promise<void> {
  const [current, previous] = deps.tokens;
  if (!current) {
    // A previous token alone would leave the routes open to the token being retired only.
    if (previous)
      throw new Error(
        'ADMIN_TOKEN_PREVIOUS is set without ADMIN_TOKEN: it only counts beside a current token',
      );
    return;
  }
  await app.register(async (scope: HttpServer) => {
    scope.addHook('onRequest', bearerAuth({ tokens: [current, previous], realm: 'invite admin' }));

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
