import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector, FaultKind } from '../faults/faults.ts';
import { applyHttpFault } from '../faults/http.ts';
import { errorBody, parseEnvelope, successBody } from './envelope.ts';
import { ENTRATA_ERRORS, EntrataError } from './errors.ts';
import { METHODS } from './methods.ts';
import { readMultipart, type UploadedFile } from './multipart.ts';
import { pageFromQuery } from './paging.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { EntrataStore, Org } from './store.ts';

export interface EntrataDeps {
  store: EntrataStore;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
}

const ENTRATA_FAULT_KINDS: readonly FaultKind[] = ['http_error', 'rate_limit', 'delay', 'entrata_error'];

function sendError(reply: FastifyReply, error: EntrataError) {
  const def = ENTRATA_ERRORS[error.kind];
  return reply.code(def.http).send(errorBody(def.code, error.message));
}

function basicCredentials(request: FastifyRequest): { username: string; password: string } | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * One Entrata call, after the org was authenticated: rate limit (per org and service), envelope, injected
 * faults, then the method. Everything answers in Entrata's envelope (domain.md: success
 * `{"response":{"requestId","code":200,"result"}}`, errors in the body, mostly with HTTP 200).
 * Rate limits: domain.md's `X-RateLimit-Limit: 15000/DAY;1000/HOUR;150/MINUTE` with Remaining and Reset in the
 * same order, per service and credential, and sometimes `Retry-After` (sent here on every 429).
 */
async function handleCall(
  deps: EntrataDeps,
  org: Org,
  service: string,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const limit = deps.rateLimiter.hit(`${org.org}|${service}`, org.rateLimitPerMinute);
  reply.headers(limit.headers);
  if (!limit.allowed) {
    reply.header('retry-after', String(limit.retryAfterSeconds));
    const def = ENTRATA_ERRORS.rateLimited;
    // The code comes as a string here, one of the places where Entrata's typing is loose.
    return reply
      .code(def.http)
      .send(errorBody(String(def.code), `${def.message} Retry after ${limit.retryAfterSeconds} seconds.`));
  }

  try {
    let files: UploadedFile[] | undefined;
    let body: unknown = request.body;
    if (request.isMultipart()) ({ envelope: body, files } = await readMultipart(request));
    const envelope = parseEnvelope(body);
    const requestId = envelope.requestId;

    const fault = deps.faults.take('entrata', ENTRATA_FAULT_KINDS, `${service}/${envelope.method.name}`);
    if (fault?.kind === 'entrata_error') {
      const code = fault.code ?? ENTRATA_ERRORS.temporarilyUnavailable.code;
      return reply
        .code(fault.status ?? 200)
        .send(errorBody(code, fault.message ?? ENTRATA_ERRORS.temporarilyUnavailable.message));
    }
    if (await applyHttpFault(fault, reply, (status, message) => errorBody(status, message))) return reply;

    const methods = METHODS[service];
    if (!methods) throw new EntrataError('unknownService', `"${service}" is not a known service.`);
    const method = methods[envelope.method.name];
    if (!method)
      throw new EntrataError('unknownMethod', `"${envelope.method.name}" is not a method of ${service}.`);
    if (!method.versions.includes(envelope.method.version)) {
      throw new EntrataError(
        'unsupportedVersion',
        `${envelope.method.name} supports ${method.versions.join(', ')}.`,
      );
    }
    const result = method.handler({
      org,
      params: envelope.method.params,
      store: deps.store,
      page: pageFromQuery(request.query as Record<string, unknown> | undefined),
      ...(files ? { files } : {}),
    });
    return reply.code(200).send(successBody(requestId, result, method.codeAsString));
  } catch (error) {
    if (error instanceof EntrataError) return sendError(reply, error);
    throw error;
  }
}

export async function entrataRoutes(app: FastifyInstance, deps: EntrataDeps): Promise<void> {
  // Files are buffered: the sandbox checks the 50 MB combined limit itself, with an Entrata error body.
  await app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024, files: 20, fields: 20 } });

  // Parse failures, wrong content types and crashes also answer in Entrata's envelope.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'entrata fake failed');
    const def = status >= 500 ? ENTRATA_ERRORS.internal : ENTRATA_ERRORS.invalidRequest;
    return reply.code(status >= 500 ? 500 : 400).send(errorBody(def.code, `${def.message} ${error.message}`));
  });

  const authFailed = (reply: FastifyReply, detail: string) =>
    sendError(reply, new EntrataError('authFailed', detail));

  // domain.md: `POST https://apis.entrata.com/ext/orgs/{org}/v1/{service}` with the header `X-Api-Key`.
  app.post<{ Params: { org: string; service: string } }>(
    '/ext/orgs/:org/v1/:service',
    async (request, reply) => {
      const org = deps.store.orgs.get(request.params.org);
      const key = request.headers['x-api-key'];
      if (!org || typeof key !== 'string' || key !== org.apiKey)
        return authFailed(reply, 'Invalid API key or org.');
      return handleCall(deps, org, request.params.service, request, reply);
    },
  );

  const legacy = async (
    orgName: string | undefined,
    service: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => {
    const org = orgName ? deps.store.orgs.get(orgName) : undefined;
    const creds = basicCredentials(request);
    if (
      !org?.basicAuth ||
      !creds ||
      creds.username !== org.basicAuth.username ||
      creds.password !== org.basicAuth.password
    ) {
      return authFailed(reply, 'Invalid username or password.');
    }
    return handleCall(deps, org, service, request, reply);
  };

  // domain.md: the legacy form is https://{org}.entrata.com/api/v1/{service} with HTTP Basic auth. The org is in the path here:
  // a Host-based route would need wildcard DNS and would collide with the platform's /api/v1 routes.
  app.post<{ Params: { org: string; service: string } }>(
    '/legacy/:org/api/v1/:service',
    async (request, reply) => legacy(request.params.org, request.params.service, request, reply),
  );
}
