import { sendProblem } from '@autoverify/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, bearerToken, type Caller, type Scope, type TokenEntry } from '../domain/tokens.ts';

const callers = new WeakMap<FastifyRequest, Caller>();

/**
 * A preHandler that lets a request through only with a valid bearer token holding `scope`: 401 without a
 * (valid) token, 403 when the token lacks the scope. The token itself is never logged.
 */
export function requireScope(tokens: readonly TokenEntry[], scope: Scope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = authenticate(tokens, bearerToken(request.headers.authorization));
    if (!caller) {
      request.log.warn({ scope }, 'admin call without a valid token');
      reply.header('www-authenticate', 'Bearer realm="support"');
      return sendProblem(
        reply,
        401,
        'Unauthorized',
        'A valid support token is required: Authorization: Bearer <token>',
        {
          type: 'urn:problem:unauthorized',
        },
      );
    }
    if (!caller.scopes.has(scope)) {
      request.log.warn({ caller: caller.name, scope }, 'admin call without the required scope');
      return sendProblem(reply, 403, 'Forbidden', `The token of ${caller.name} lacks the scope "${scope}"`, {
        type: 'urn:problem:forbidden',
        requiredScope: scope,
      });
    }
    callers.set(request, caller);
  };
}

/** The authenticated caller of a request that passed requireScope. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new Error('route has no requireScope preHandler');
  return caller;
}
