import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** RFC 9457 problem details, the error format of the platform fake and the control API. */
export function problem(status: number, title: string, detail?: string, extra?: Record<string, unknown>) {
  return { type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...extra };
}

export function sendProblem(
  reply: FastifyReply,
  status: number,
  title: string,
  detail?: string,
  extra?: Record<string, unknown>,
) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send(problem(status, title, detail, extra));
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

export const titleOf = (status: number) =>
  TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');

/** Validation and parsing errors become 400 problems listing what was wrong; anything else is a 500. */
export function useProblemErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const errors = error.validation.map((v) => ({
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      return sendProblem(reply, 400, 'Bad Request', error.message, { errors });
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, status, titleOf(status), status >= 500 ? 'Internal error' : error.message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, 'Not Found', `No route ${request.method} ${request.url}`),
  );
}
