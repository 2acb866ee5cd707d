import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '@autoverify/logger';
import { nameServerSpan, tagActiveSpan, traceRequests } from '@autoverify/telemetry';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import { clientErrorProblem, MAX_HEADER_SIZE, notFound, refuseLongUrl, routerError } from './http-limits.ts';
import { PROBLEM_CONTENT_TYPE, problemFor, sendProblem } from './problem.ts';
import { RequestLogController } from './request-log.ts';

export type HttpServer = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface CreateHttpServerOptions {
  logger: Logger;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** How long one readiness check may take before it counts as failed (default 5 s). */
  readinessTimeoutMs?: number;
}

type ReadinessCheck = () => Promise<void>;
/** Synchronous on purpose: liveness asks whether this process is still able to work, not its dependencies. */
type LivenessCheck = () => void;
const readinessChecks = new WeakMap<object, Map<string, ReadinessCheck>>();
const livenessChecks = new WeakMap<object, Map<string, LivenessCheck>>();

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A fastify server with the conventions every service shares: JSON logs through our logger with a request id
 * (taken from `x-request-id` when sane, generated otherwise, echoed back), liveness and readiness endpoints,
 * and every error answered as application/problem+json without internals.
 */
export function createHttpServer(options: CreateHttpServerOptions): HttpServer {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestIdHeader: false,
    logController: new RequestLogController('request_id'),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { allErrors: true } },
    return503OnClosing: true,
    // Errors the router raises before any handler (undecodable URL, over-long path parameter) bypass the
    // error handler: answer them as problems too.
    frameworkErrors: routerError,
    clientErrorHandler: clientErrorProblem,
    // The server fastify would make, with every request in its server span (telemetry's traceRequests).
    serverFactory: (handler, settings) => {
      // fastify's resolved options, defaults included; it sets these on a server it makes itself.
      const timeouts = settings as {
        keepAliveTimeout: number;
        requestTimeout: number;
        connectionTimeout: number;
      };
      const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, traceRequests(handler));
      server.keepAliveTimeout = timeouts.keepAliveTimeout;
      server.requestTimeout = timeouts.requestTimeout;
      server.setTimeout(timeouts.connectionTimeout);
      return server;
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Hooks on every request take a callback, not a promise: no promise and microtask per request for work
  // that never waits.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // The server span knows the URL only; traces are searched by route.
    if (request.routeOptions.url) nameServerSpan(request.method, request.routeOptions.url);
    // Routes per customer (`/webhooks/entrata/:tenantId`) name the tenant in the path.
    const tenantId = (request.params as Record<string, unknown> | undefined)?.tenantId;
    if (typeof tenantId === 'string') tagActiveSpan({ tenantId });
    done();
  });
  app.addHook('onRequest', refuseLongUrl);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemFor(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else
      request.log.info(
        { status: problem.status, code: error.code, detail: problem.detail },
        'request rejected',
      );
    const { status, title, detail, ...extra } = problem;
    return sendProblem(reply, status, title, detail, extra);
  });

  app.setNotFoundHandler(notFound);

  const checks = new Map<string, ReadinessCheck>();
  readinessChecks.set(app, checks);
  const timeoutMs = options.readinessTimeoutMs ?? 5000;

  const living = new Map<string, LivenessCheck>();
  livenessChecks.set(app, living);
  // Liveness never looks at dependencies: a broker or database outage must not restart every pod. It fails
  // only for a broken part of this process that will not recover by itself (a consumer stopped for good).
  app.get('/health/live', async (request, reply) => {
    const failed: [string, string][] = [];
    for (const [name, check] of living) {
      try {
        check();
      } catch (error) {
        failed.push([name, (error as Error).message || String(error)]);
      }
    }
    if (failed.length === 0) return { status: 'live' };
    request.log.error({ failed: Object.fromEntries(failed) }, 'not live');
    return sendProblem(
      reply,
      503,
      'Service Unavailable',
      `Not live: ${failed.map(([name]) => name).join(', ')} failed`,
      { type: 'urn:problem:not-live', checks: Object.fromEntries(failed) },
    );
  });
  app.get('/health/ready', async (request, reply) => {
    const results = await Promise.all(
      [...checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, (error as Error).message || String(error)] as const;
        }
      }),
    );
    const failed = results.filter(([, result]) => result !== 'ok');
    if (failed.length === 0) return { status: 'ready', checks: Object.fromEntries(results) };
    request.log.warn({ failed: Object.fromEntries(failed) }, 'not ready');
    return sendProblem(
      reply,
      503,
      'Service Unavailable',
      `Not ready: ${failed.map(([name]) => name).join(', ')} failed`,
      {
        type: 'urn:problem:not-ready',
        checks: Object.fromEntries(results),
      },
    );
  });

  return app as unknown as HttpServer;
}

/**
 * Registers a dependency that must answer for /health/ready to be 200: what the service needs to do useful
 * work (its database), not what it can wait for (Kafka: the outbox holds events while the broker is away).
 */
export function addReadinessCheck(
  app: FastifyInstance<any, any, any, any, any>,
  name: string,
  check: ReadinessCheck,
): void {
  const checks = readinessChecks.get(app);
  if (!checks) throw new Error('addReadinessCheck needs a server made by createHttpServer');
  checks.set(name, check);
}

/** Registers a part of the process that must be working for /health/live to be 200; throw to fail. */
export function addLivenessCheck(
  app: FastifyInstance<any, any, any, any, any>,
  name: string,
  check: LivenessCheck,
): void {
  const checks = livenessChecks.get(app);
  if (!checks) throw new Error('addLivenessCheck needs a server made by createHttpServer');
  checks.set(name, check);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export { PROBLEM_CONTENT_TYPE };
