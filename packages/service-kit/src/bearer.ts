import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.ts';

export type BearerCheck = 'ok' | 'missing' | 'invalid';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks an `Authorization: Bearer <token>` header against the accepted tokens (one, or two while a token
 * is being rotated: the new one and the one it replaces). Constant time: both sides are hashed before the
 * comparison, and every accepted token is compared, so the answer time says nothing about the length or
 * content of a guess, nor about which token came close.
 */
export function checkBearer(header: string | undefined, accepted: readonly string[]): BearerCheck {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  if (!match?.[1]) return 'missing';
  const given = digest(match[1]);
  let ok = false;
  for (const token of accepted) if (timingSafeEqual(given, digest(token))) ok = true;
  return ok ? 'ok' : 'invalid';
}

export interface BearerAuthOptions {
  /** The accepted tokens: one, or two during a rotation. Empty strings are not tokens. */
  tokens: readonly (string | undefined)[];
  /** Named in `WWW-Authenticate` (e.g. "report-sync admin"). */
  realm: string;
}

/**
 * An onRequest hook for the routes of one fastify scope: 401 (with WWW-Authenticate) without a bearer
 * token, 403 with a wrong one, both as application/problem+json.
 * `scope.addHook('onRequest', bearerAuth({ tokens: [env.ADMIN_TOKEN, env.ADMIN_TOKEN_PREVIOUS], realm }))`
 */
export function bearerAuth(options: BearerAuthOptions) {
  const tokens = options.tokens.filter((t): t is string => typeof t === 'string' && t !== '');
  if (tokens.length < 1 || tokens.length > 2)
    throw new Error(
      `bearerAuth(${options.realm}): give one token, or two while rotating (got ${tokens.length})`,
    );
  const realm = options.realm.replace(/["\\]/g, '');
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const check = checkBearer(request.headers.authorization, tokens);
    if (check === 'ok') return undefined;
    request.log.warn({ check }, 'request refused: bearer token missing or wrong');
    if (check === 'missing') {
      reply.header('www-authenticate', `Bearer realm="${realm}"`);
      return sendProblem(
        reply,
        401,
        'Unauthorized',
        'An "Authorization: Bearer <token>" header is required',
        {
          type: 'urn:problem:unauthorized',
        },
      );
    }
    return sendProblem(reply, 403, 'Forbidden', 'The bearer token is not valid', {
      type: 'urn:problem:forbidden',
    });
  };
}
