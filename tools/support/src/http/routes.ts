import { consumerNames } from '@autoverify/contracts';
import { type HttpServer, sendProblem } from '@autoverify/service-kit';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { ConflictError, NotFoundError, type SupportConsole } from '../console.ts';
import type { PrismaClient } from '../db.ts';
import { BadApplicationRefError, parseApplicationRef } from '../domain/application-ref.ts';
import { NotRedrivableError, UnknownConsumerError } from '../domain/dead-letters.ts';
import { ReplayRequestError, type ReplayScope } from '../domain/replay.ts';
import type { TokenEntry } from '../domain/tokens.ts';
import { type RerunResult, RerunUnavailableError } from '../reruns.ts';
import { listAudit, listReplays } from '../store.ts';
import { callerOf, requireScope } from './auth.ts';

const Reason = Type.String({ minLength: 3, maxLength: 1000, description: 'Why: the ticket or incident.' });
const Uuid = Type.String({ format: 'uuid' });
const IsoTime = Type.String({ format: 'date-time' });
const Consumer = Type.String({ minLength: 1, maxLength: 100 });
const DeadLetterParams = Type.Object({
  consumer: Consumer,
  partition: Type.Integer({ minimum: 0 }),
  offset: Type.String({ pattern: '^[0-9]{1,19}$' }),
});
const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 });

export interface RouteDeps {
  console: SupportConsole;
  tokens: readonly TokenEntry[];
  db: InstanceType<typeof PrismaClient>;
}

export function registerRoutes(app: HttpServer, { console: support, tokens, db }: RouteDeps): void {
  const scope = (s: Parameters<typeof requireScope>[1]) => ({ preHandler: requireScope(tokens, s) });

  app.get(
    '/admin/applications/:id/timeline',
    {
      ...scope('timeline:read'),
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }),
        querystring: Type.Object({ unmask: Type.Boolean({ default: false }) }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (request.query.unmask && !caller.scopes.has('pii:read'))
        return sendProblem(
          reply,
          403,
          'Forbidden',
          `The token of ${caller.name} lacks the scope "pii:read" needed to unmask`,
          {
            type: 'urn:problem:forbidden',
            requiredScope: 'pii:read',
          },
        );
      return guard(reply, async () => {
        const ref = parseApplicationRef(request.params.id);
        const events = await support.timeline(caller, ref, request.query.unmask);
        return { applicationId: ref.applicationId, masked: !request.query.unmask, events };
      });
    },
  );

  app.post(
    '/admin/replays',
    {
      ...scope('replay'),
      schema: {
        body: Type.Object(
          {
            // One object, checked below: fastify's ajv strips properties while trying anyOf branches.
            scope: Type.Object(
              {
                applicationId: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
                tenantId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' })),
                from: Type.Optional(IsoTime),
                to: Type.Optional(IsoTime),
              },
              { additionalProperties: false },
            ),
            target: Type.Optional(Type.Union(consumerNames.map((name) => Type.Literal(name)))),
            dryRun: Type.Boolean({ default: false }),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      guard(reply, async () => {
        const body = request.body;
        const replayScope = replayScopeOf(body.scope);
        const result = await support.replay(callerOf(request), {
          scope: replayScope,
          ...(body.target ? { target: body.target } : {}),
          dryRun: body.dryRun,
          reason: body.reason,
        });
        reply.code(201);
        return result;
      }),
  );

  app.get(
    '/admin/replays',
    { ...scope('timeline:read'), schema: { querystring: Type.Object({ limit: Limit }) } },
    async (request) => ({ replays: await listReplays(db, request.query.limit) }),
  );

  app.get(
    '/admin/dead-letters',
    {
      ...scope('dlq'),
      schema: { querystring: Type.Object({ consumer: Consumer, last: Limit }) },
    },
    async (request, reply) =>
      guard(reply, async () => ({
        consumer: request.query.consumer,
        deadLetters: await support.listDeadLetters(request.query.consumer, request.query.last),
      })),
  );

  app.get(
    '/admin/dead-letters/:consumer/:partition/:offset',
    { ...scope('dlq'), schema: { params: DeadLetterParams } },
    async (request, reply) =>
      guard(reply, () => {
        const { consumer, partition, offset } = request.params;
        return support.showDeadLetter(consumer, partition, offset);
      }),
  );

  app.post(
    '/admin/dead-letters/:consumer/:partition/:offset/redrive',
    {
      ...scope('dlq'),
      schema: {
        params: DeadLetterParams,
        body: Type.Object(
          { reason: Reason, force: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      guard(reply, async () => {
        const { consumer, partition, offset } = request.params;
        const result = await support.redrive(callerOf(request), consumer, partition, offset, request.body);
        reply.code(201);
        return result;
      }),
  );

  for (const action of ['retry', 'reupload'] as const) {
    app.post(
      `/admin/reruns/${action}-report`,
      {
        ...scope('rerun'),
        schema: {
          body: Type.Object(
            { reportId: Type.String({ minLength: 1, maxLength: 128 }), reason: Reason },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) =>
        guard(reply, async () =>
          forward(
            reply,
            await support.reportAction(callerOf(request), action, request.body.reportId, request.body.reason),
          ),
        ),
    );
  }

  app.post(
    '/admin/reruns/resend-invite',
    {
      ...scope('rerun'),
      schema: {
        body: Type.Object(
          {
            applicationId: Uuid,
            applicantId: Uuid,
            kind: Type.Union([Type.Literal('income'), Type.Literal('identity')]),
            channels: Type.Optional(
              Type.Array(Type.Union([Type.Literal('email'), Type.Literal('sms')]), {
                minItems: 1,
                uniqueItems: true,
              }),
            ),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' }),
          ),
        }),
      },
    },
    async (request, reply) =>
      guard(reply, async () => {
        const key = request.headers['idempotency-key'];
        const result = await support.resendInvite(callerOf(request), {
          ...request.body,
          ...(key ? { idempotencyKey: key } : {}),
        });
        return forward(reply, result);
      }),
  );

  app.get(
    '/admin/audit',
    { ...scope('audit:read'), schema: { querystring: Type.Object({ limit: Limit }) } },
    async (request) => ({ entries: await listAudit(db, request.query.limit) }),
  );
}

/** {applicationId} (ours or entrata:<tenant>:<id>) or {tenantId, from, to}: exactly one of the two. */
function replayScopeOf(scope: {
  applicationId?: string;
  tenantId?: string;
  from?: string;
  to?: string;
}): ReplayScope {
  const { applicationId, tenantId, from, to } = scope;
  if (applicationId !== undefined) {
    if (tenantId !== undefined || from !== undefined || to !== undefined)
      throw new ReplayRequestError('scope: give applicationId alone, or tenantId with from and to');
    return { applicationId: parseApplicationRef(applicationId).applicationId };
  }
  if (tenantId === undefined || from === undefined || to === undefined)
    throw new ReplayRequestError('scope: give applicationId, or tenantId with from and to');
  return { tenantId, from, to };
}

/** The owning service's answer, passed on; its failures become 502 so they are not taken for ours. */
function forward(reply: FastifyReply, result: RerunResult) {
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
async function guard<T>(reply: FastifyReply, fn: () => Promise<T> | T): Promise<T | FastifyReply> {
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
        {
          type: 'urn:problem:conflict',
        },
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
