/**
 * Every service's read-only view of its inbox: which of the given events its consumer has processed, so
 * will skip when they arrive again. The support console's replay dry run asks each consumer of the
 * replayed events (`pnpm support replay ... --dry-run`). Behind the service's ADMIN_TOKEN like the outbox
 * routes (outbox-admin.ts).
 */
import { processedEventIds, type Sql } from '@autoverify/messaging';
import Type from 'typebox';
import { type AdminScopeOptions, adminScope } from './admin-scope.ts';
import type { HttpServer } from './http.ts';

/** Event ids per question: support asks in batches of this size (a replay may cover far more events). */
export const MAX_INBOX_QUERY_IDS = 1000;

export interface InboxAdminOptions extends AdminScopeOptions {
  /** The consumer's name in the inbox (its group and service name). */
  consumer: string;
  sql: Sql;
}

const Body = Type.Object(
  {
    eventIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: MAX_INBOX_QUERY_IDS }),
  },
  { additionalProperties: false },
);

export async function inboxAdminRoutes(app: HttpServer, options: InboxAdminOptions): Promise<void> {
  const { consumer, sql } = options;
  await adminScope(app, options, (scope) => {
    scope.post('/admin/inbox/processed', { schema: { body: Body } }, async (request) => ({
      consumer,
      processed: await processedEventIds(sql, consumer, request.body.eventIds),
    }));
  });
}
