import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Fault, FaultInjector, FaultKind, FaultTarget } from './faults.ts';

/** How an HTTP fake renders an injected error in its own style (Entrata envelope, problem+json, Twilio JSON). */
export type ErrorRenderer = (status: number, message: string, fault: Fault) => unknown;

const HTTP_KINDS: readonly FaultKind[] = ['http_error', 'rate_limit', 'delay'];

/**
 * Applies an injected fault to an HTTP call. Returns true when the reply was sent (the route must stop);
 * a `delay` only waits and returns false so the call then proceeds normally.
 */
export async function applyHttpFault(
  fault: Fault | undefined,
  reply: FastifyReply,
  render: ErrorRenderer,
): Promise<boolean> {
  if (!fault) return false;
  switch (fault.kind) {
    case 'delay':
      // Unreferenced so a pending delay never keeps a stopping process alive.
      await sleep(fault.delayMs ?? 30_000, undefined, { ref: false });
      return false;
    case 'rate_limit': {
      const retryAfter = fault.retryAfterSeconds ?? 1;
      reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send(render(429, fault.message ?? `Too many requests, retry after ${retryAfter} seconds`, fault));
      return true;
    }
    case 'http_error': {
      const status = fault.status ?? 503;
      reply.code(status).send(render(status, fault.message ?? 'Injected failure', fault));
      return true;
    }
    default:
      return false;
  }
}

/** A preHandler hook for fakes whose faults need no knowledge of the request body. */
export function httpFaultHook(faults: FaultInjector, target: FaultTarget, render: ErrorRenderer) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const label = `${request.method} ${request.url.split('?')[0]}`;
    // Returning the reply tells fastify the hook answered the request.
    if (await applyHttpFault(faults.take(target, HTTP_KINDS, label), reply, render)) return reply;
    return undefined;
  };
}

export { HTTP_KINDS };
