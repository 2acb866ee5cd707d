import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import type { FaultInjector } from '../faults/faults.ts';
import { httpFaultHook } from '../faults/http.ts';
import { problem, sendProblem, titleOf, useProblemErrors } from '../shared/problem.ts';
import { assumedRoutes } from './assumed-routes.ts';
import { TokenIssuer } from './auth.ts';
import { type FileLinks, reportDataRoute } from './reports.ts';
import { AuthBody, CreateGroupBody, createGroup, nonexistentEmails } from './requests.ts';
import type { ApplicantGroup, PlatformStore } from './store.ts';
import { createdGroup, documentedGroup } from './views.ts';

export interface PlatformDeps {
  store: PlatformStore;
  faults: FaultInjector;
  credentials: { clientId: string; secretKey: string };
  /** Base URL of the sandbox, for the links it hands out. */
  publicUrl: () => string;
  /** Signs the report file links the report data hands out (the "pre-signed" pdf_url). */
  fileLinks: FileLinks;
}

/** Per request: the client the bearer token belongs to, and its groups. */
export interface Authed {
  clientOf(request: FastifyRequest): string;
  groupOf(request: FastifyRequest, id: string): ApplicantGroup | undefined;
}

const sameSecret = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The platform's REST API under /api/v1 (Payscore's public API, docs/domain.md). */
export async function platformRoutes(app: FastifyInstance, deps: PlatformDeps): Promise<void> {
  const tokens = new TokenIssuer();
  useProblemErrors(app);
  app.addHook(
    'preHandler',
    httpFaultHook(deps.faults, 'platform', (status, message) => problem(status, titleOf(status), message)),
  );

  // Documented: POST /api/v1/tenants/auth with client_id and secret_key; the JWT (30 minutes) is returned in
  // the Authorization header ("Authorization: Bearer eyJ..."); the reference shows the answer as "No content".
  // 401 for invalid credentials.
  app.post('/tenants/auth', { schema: { body: AuthBody } }, async (request, reply) => {
    const { client_id, secret_key } = request.body as Static<typeof AuthBody>;
    if (client_id !== deps.credentials.clientId || !sameSecret(secret_key, deps.credentials.secretKey)) {
      return sendProblem(reply, 401, 'Unauthorized', 'Invalid client_id or secret_key.');
    }
    const { token } = tokens.issue(client_id);
    return reply.code(200).header('authorization', `Bearer ${token}`).send();
  });

  // Everything else needs the bearer token (documented: 401 for a bad token); groups are per client.
  await app.register(async (authed) => {
    const clients = new WeakMap<FastifyRequest, string>();
    authed.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      const clientId = header?.startsWith('Bearer ') ? tokens.verify(header.slice(7)) : undefined;
      if (!clientId) return sendProblem(reply, 401, 'Unauthorized', 'A valid bearer token is required.');
      clients.set(request, clientId);
    });
    const auth: Authed = {
      clientOf: (request) => clients.get(request) ?? '',
      groupOf(request, id) {
        const group = deps.store.groups.get(id);
        return group && group.clientId === clients.get(request) ? group : undefined;
      },
    };

    // Documented: answers 200 (not 201) with the group (createdGroup: documented fields only); 400 for
    // validation errors, e.g. an email address that does not exist.
    authed.post('/applicant_groups', { schema: { body: CreateGroupBody } }, async (request, reply) => {
      const body = request.body as CreateGroupBody;
      const problems = nonexistentEmails(body);
      if (problems.length > 0) return invalid(reply, problems);
      const group = createGroup(body, auth.clientOf(request));
      deps.store.groups.set(group.id, group);
      return reply.code(200).send(createdGroup(group));
    });

    // Documented in the public API reference (docs.payscore.com/api-reference/applicant-groups): the list,
    // filtered by correlation_id (also statuses, page), answers {applicant_groups: [...], total_count}.
    authed.get(
      '/applicant_groups',
      {
        schema: {
          querystring: Type.Object({
            correlation_id: Type.Optional(Type.String()),
            statuses: Type.Optional(Type.String()),
            page: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
        },
      },
      async (request, reply) => {
        if (!deps.store.settings.correlationIdLookup)
          return sendProblem(reply, 404, 'Not Found', 'No route GET /api/v1/applicant_groups');
        const {
          correlation_id,
          statuses,
          page = 1,
        } = request.query as {
          correlation_id?: string;
          statuses?: string;
          page?: number;
        };
        const wanted = statuses?.split(',').map((s) => s.trim());
        const groups = [...deps.store.groups.values()]
          .filter((g) => g.clientId === auth.clientOf(request))
          .filter((g) => correlation_id === undefined || g.correlationId === correlation_id)
          .map((g) => documentedGroup(g))
          .filter((g) => !wanted || wanted.includes(g.status));
        // NOT DOCUMENTED: the page size.
        const pageSize = 50;
        return {
          applicant_groups: groups.slice((page - 1) * pageSize, page * pageSize),
          total_count: groups.length,
        };
      },
    );

    await assumedRoutes(authed, deps, auth);
    await reportDataRoute(authed, deps, auth);
  });
}

function invalid(reply: FastifyReply, errors: { path: string; message: string }[]) {
  return sendProblem(reply, 400, 'Bad Request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors,
  });
}
