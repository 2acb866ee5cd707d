import { sendProblem } from '@autoverify/service-kit';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { RerunResult } from '../console/reruns.ts';
import { RerunUnavailableError } from '../console/reruns.ts';
import { BadApplicationRefError } from '../domain/application-ref.ts';
import { NotRedrivableError, UnknownConsumerError } from '../domain/dead-letters.ts';
import { ReplayRequestError } from '../domain/replay.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

// Request parts several routes share.
export const Reason = Type.String({
  minLength: 3,
  maxLength: 1000,
  description: 'Why: the ticket or incident.',
});
export const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 });

/** The owning service's answer, passed on; its failures become 502 so they are not taken for ours. */
export function forward(reply: FastifyReply, result: RerunResult) {
  if (result.status >= 500)
    return sendProblem(reply, 502, 'Bad Gateway', `the service answered ${result.status}`, {
      type: 'urn:problem:upstream',
      upstream: result.body,
    });
  reply.code(result.status);
  const body = result.body as { type?: unknown } | null;
  if (result.status >= 400 && body && typeof body === 'object' && 'type' in body)
    reply.header('content-type', 'application/problem+json; charset=utf-8');
  return result.body ?? {};
}

/** Our domain errors as problems; anything else goes to the server's error handler (500, logged). */
export async function guard<T>(reply: FastifyReply, fn: () => Promise<T> | T): Promise<T | FastifyReply> {
  try {
    return await fn();
  } catch (error) {
    const message = (error as Error).message;
    if (
      error instanceof BadApplicationRefError ||
      error instanceof ReplayRequestError ||
      error instanceof UnknownConsumerError
    )
      return sendProblem(reply, 400, 'Bad Request', message, { type: 'urn:problem:bad-request' });
    if (error instanceof NotFoundError)
      return sendProblem(reply, 404, 'Not Found', message, { type: 'urn:problem:not-found' });
    if (error instanceof ConflictError || isUniqueViolation(error))
      return sendProblem(
        reply,
        409,
        'Conflict',
        error instanceof ConflictError ? message : 'a concurrent redrive of this dead letter won',
        { type: 'urn:problem:conflict' },
      );
    if (error instanceof NotRedrivableError)
      return sendProblem(reply, 422, 'Unprocessable Content', message, {
        type: 'urn:problem:not-redrivable',
      });
    if (error instanceof RerunUnavailableError)
      return sendProblem(reply, 503, 'Service Unavailable', message, {
        type: 'urn:problem:rerun-unavailable',
      });
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
