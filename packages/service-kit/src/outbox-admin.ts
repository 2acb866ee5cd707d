/**
 * Every service's admin routes for outbox rows the relay set aside as unpublishable (messaging's
 * outbox-failed.ts): list them, put one back (after fixing the cause, e.g. the broker's size limit), or
 * discard it so the events held behind it flow again. Behind the service's ADMIN_TOKEN (and
 * ADMIN_TOKEN_PREVIOUS while rotating); without a token the routes do not exist (404) rather than being open.
 * The support console calls them (`pnpm support outbox ...`), which records who asked and why.
 */
import {
  discardFailedOutbox,
  type FailedOutboxRow,
  listFailedOutbox,
  type OutboxRelay,
  requeueFailedOutbox,
  type Transactions,
} from '@autoverify/messaging';
import Type from 'typebox';
import { type AdminScopeOptions, adminScope } from './admin-scope.ts';
import type { HttpServer } from './http.ts';
import { sendProblem } from './problem.ts';

export interface OutboxAdminOptions<Tx> extends AdminScopeOptions {
  transactions: Transactions<Tx>;
  relay: Pick<OutboxRelay, 'wake'>;
}

const Params = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,18}$' }) });

/** Who asked and why, when the caller said (support does): for the service's log; support audits it. */
function requestedBy(body: unknown): { requestedBy?: unknown; reason?: unknown } {
  if (typeof body !== 'object' || body === null) return {};
  const { requestedBy, reason } = body as Record<string, unknown>;
  return {
    ...(typeof requestedBy === 'string' ? { requestedBy } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

const view = (row: FailedOutboxRow) => ({
  id: row.id,
  eventId: row.eventId,
  eventType: row.eventType,
  topic: row.topic,
  key: row.key,
  createdAt: new Date(row.createdAt).toISOString(),
  failedAt: new Date(row.failedAt).toISOString(),
  attempts: row.attempts,
  error: row.error,
  held: row.held,
});

export async function outboxAdminRoutes<Tx>(app: HttpServer, options: OutboxAdminOptions<Tx>): Promise<void> {
  const { transactions, relay } = options;
  await adminScope(app, options, (scope) => {
    scope.get(
      '/admin/outbox/failed',
      {
        schema: {
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
        },
      },
      async (request) => ({
        failed: (await listFailedOutbox(transactions.sql(), request.query.limit)).map(view),
      }),
    );

    const act = (action: 'requeue' | 'discard') =>
      scope.post(
        `/admin/outbox/failed/:id/${action}`,
        // No body schema: a bare POST is a valid request; what support sends is only logged.
        { schema: { params: Params } },
        async (request, reply) => {
          const { id } = request.params;
          const done = await transactions.run((tx) =>
            (action === 'requeue' ? requeueFailedOutbox : discardFailedOutbox)(transactions.sql(tx), id),
          );
          if (!done)
            return sendProblem(reply, 404, 'Not Found', `no set-aside outbox row ${id}`, {
              type: 'urn:problem:not-found',
            });
          request.log.warn(
            { outboxId: id, action, ...requestedBy(request.body) },
            action === 'requeue' ? 'set-aside outbox row requeued' : 'set-aside outbox row discarded',
          );
          // Requeued: published now, before the rows held behind it. Discarded: the held rows flow now.
          relay.wake();
          return { id, [action === 'requeue' ? 'requeued' : 'discarded']: true };
        },
      );
    act('requeue');
    act('discard');
  });
}
