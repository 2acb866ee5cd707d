import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/** What a route has to say about a request, written on the request's one log line. */
interface Outcome {
  message: string;
  fields: Record<string, unknown>;
}
const outcomes = new WeakMap<FastifyRequest, Outcome>();

/**
 * Puts `fields` and `message` on the request's completion line instead of a line of its own: every log line
 * is one pass of redaction and masking over it, which on a webhook route cost more CPU than storing it.
 */
export function logOutcome(request: FastifyRequest, fields: Record<string, unknown>, message: string): void {
  outcomes.set(request, { message, fields });
}

/**
 * One log line per request, when it completes (method, URL, client, status, time, and what the route added
 * with logOutcome), instead of fastify's two ("incoming request" and "request completed"). The incoming
 * line is still there at debug level, for a request that never completes. Probes are not logged.
 */
export class RequestLogController extends LogController {
  constructor(requestIdLogLabel: string) {
    super({
      requestIdLogLabel,
      disableRequestLogging: (request) => (request.url ?? '').startsWith('/health/'),
    });
  }

  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const outcome = outcomes.get(request);
    const line = {
      ...outcome?.fields,
      req: request,
      res: reply,
      responseTime: reply.elapsedTime,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, outcome?.message ?? 'request completed');
  }
}
