import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector, FaultKind } from '../faults/faults.ts';
import { applyHttpFault } from '../faults/http.ts';
import { type Envelope, errorBody, parseEnvelope, successBody } from './envelope.ts';
import { ENTRATA_ERRORS, EntrataError } from './errors.ts';
import { SEND_LEASE_DOCUMENTS_PARTS, type UploadedFile } from './leases.ts';
import { METHODS } from './methods.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { EntrataStore, Org } from './store.ts';

export interface EntrataDeps {
  store: EntrataStore;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
}

const ENTRATA_FAULT_KINDS: readonly FaultKind[] = ['http_error', 'rate_limit', 'delay', 'entrata_error'];

function sendError(reply: FastifyReply, error: EntrataError, requestId?: string) {
  const def = ENTRATA_ERRORS[error.kind];
  return reply.code(def.http).send(errorBody(requestId, def.code, error.message));
}

function basicCredentials(request: FastifyRequest): { username: string; password: string } | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Reads a multipart upload: the envelope from its JSON part and every file part, in order. */
async function readMultipart(request: FastifyRequest): Promise<{ envelope: unknown; files: UploadedFile[] }> {
  let envelopeText: string | undefined;
  const files: UploadedFile[] = [];
  const unexpected: string[] = [];
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer(); // always drain, even a part we then refuse
      if (part.fieldname === SEND_LEASE_DOCUMENTS_PARTS.file) {
        files.push({ fileName: part.filename, contentType: part.mimetype, bytes });
      } else unexpected.push(part.fieldname);
    } else if (part.fieldname === SEND_LEASE_DOCUMENTS_PARTS.envelope) {
      envelopeText = String(part.value);
    } else unexpected.push(part.fieldname);
  }
  if (unexpected.length > 0) {
    throw new EntrataError(
      'invalidRequest',
      `Unexpected multipart parts: ${unexpected.join(', ')}. Expected "${SEND_LEASE_DOCUMENTS_PARTS.envelope}" (JSON) and "${SEND_LEASE_DOCUMENTS_PARTS.file}" parts.`,
    );
  }
  if (envelopeText === undefined) {
    throw new EntrataError(
      'invalidRequest',
      `Missing the "${SEND_LEASE_DOCUMENTS_PARTS.envelope}" part with the JSON request.`,
    );
  }
  try {
    return { envelope: JSON.parse(envelopeText), files };
  } catch {
    throw new EntrataError(
      'invalidRequest',
      `The "${SEND_LEASE_DOCUMENTS_PARTS.envelope}" part is not valid JSON.`,
    );
  }
}

/**
 * One Entrata call, after the org was authenticated: rate limit (per org and service), envelope, injected
 * faults, then the method. Everything answers in Entrata's envelope, mostly with HTTP 200.
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
      .send(
        errorBody(
          undefined,
          String(def.code),
          `${def.message} Retry after ${limit.retryAfterSeconds} seconds.`,
        ),
      );
  }

  let envelope: Envelope | undefined;
  try {
    let files: UploadedFile[] | undefined;
    let body: unknown = request.body;
    if (request.isMultipart()) ({ envelope: body, files } = await readMultipart(request));
    envelope = parseEnvelope(body);
    const requestId = envelope.requestId;

    const fault = deps.faults.take('entrata', ENTRATA_FAULT_KINDS, `${service}/${envelope.method.name}`);
    if (fault?.kind === 'entrata_error') {
      const code = fault.code ?? ENTRATA_ERRORS.temporarilyUnavailable.code;
      return reply
        .code(fault.status ?? 200)
        .send(errorBody(requestId, code, fault.message ?? ENTRATA_ERRORS.temporarilyUnavailable.message));
    }
    if (await applyHttpFault(fault, reply, (status, message) => errorBody(requestId, status, message)))
      return reply;

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
      ...(files ? { files } : {}),
    });
    return reply.code(200).send(successBody(requestId, result, method.codeAsString));
  } catch (error) {
    if (error instanceof EntrataError) return sendError(reply, error, envelope?.requestId);
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
    return reply
      .code(status >= 500 ? 500 : 400)
      .send(errorBody(undefined, def.code, `${def.message} ${error.message}`));
  });

  const authFailed = (reply: FastifyReply, detail: string) =>
    sendError(reply, new EntrataError('authFailed', detail));

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

  // The legacy form is https://{org}.entrata.com/api/v1/{service} with Basic auth. The org is in the path here:
  // a Host-based route would need wildcard DNS and would collide with the platform's /api/v1 routes.
  app.post<{ Params: { org: string; service: string } }>(
    '/legacy/:org/api/v1/:service',
    async (request, reply) => legacy(request.params.org, request.params.service, request, reply),
  );
}
