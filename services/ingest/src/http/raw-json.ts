import type { FastifyInstance } from 'fastify';

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

export function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
