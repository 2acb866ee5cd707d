import { sendProblem } from '@autoverify/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FieldProblem } from '../domain/json-safety.ts';

/**
 * Webhook signatures are computed over the exact bytes sent, so the webhook routes keep the body as a Buffer
 * (parsed later, after authentication). Only application/json is accepted: anything else is a 415 problem,
 * anything larger than `bodyLimit` a 413 problem (both answered by service-kit's error handler).
 */
export function acceptRawJson(scope: FastifyInstance, bodyLimit: number): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    /^application\/json(\s*;.*)?$/i,
    { parseAs: 'buffer', bodyLimit },
    (_request, body, done) => done(null, body),
  );
}

/**
 * Like acceptRawJson, but for a sender whose Content-Type is not documented (the verification platform):
 * the body is kept as a Buffer whatever the header says, or without one, and parsed as JSON later; anything
 * larger than `bodyLimit` is a 413 problem.
 */
export function acceptRawBodyOfAnyType(scope: FastifyInstance, bodyLimit: number): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
}

export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** 400: the body is not (acceptable) JSON: see parseStrictJson. */
export function sendMalformed(reply: FastifyReply, message: string): FastifyReply {
  return sendProblem(reply, 400, 'Malformed Request Body', `Body is not valid JSON: ${message}`, {
    type: 'urn:problem:malformed-body',
  });
}

/** 422 listing every field problem as `body.a.b` paths (JSON pointers from the domain's validation). */
export function sendInvalid(reply: FastifyReply, problems: FieldProblem[]): FastifyReply {
  const errors = problems.map((e) => ({
    path: `body${e.path === '/' ? '' : e.path.replaceAll('/', '.')}`,
    message: e.message,
  }));
  return sendProblem(
    reply,
    422,
    'Unprocessable Content',
    `The webhook body is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
    { type: 'urn:problem:validation', errors },
  );
}
