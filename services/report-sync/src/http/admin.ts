/**
 * Support routes: see which reports failed and why, retry a failed one, or deliberately upload a report
 * again (its document was deleted in Entrata). Bearer-token protected; every change is audited.
 * Responses carry ids, statuses and errors only: no applicant names (the file name has a last name).
 */
import { bearerAuth, type HttpServer, sendProblem } from '@autoverify/service-kit';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { ReportSyncContext } from '../service.ts';
import {
  findReport,
  findReportForUpdate,
  listActions,
  listReports,
  type ReportActionKind,
  type ReportRow,
  recordAction,
  reopenReport,
} from '../store.ts';

const Status = Type.Union([
  Type.Literal('pending'),
  Type.Literal('uploading'),
  Type.Literal('synced'),
  Type.Literal('failed'),
]);
const Params = Type.Object({ reportId: Type.String({ minLength: 1, maxLength: 128 }) });
const RetryBody = Type.Object(
  {
    requestedBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const ReuploadBody = Type.Object(
  {
    requestedBy: Type.String({ minLength: 1, maxLength: 200, description: 'Who asks (support agent).' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'Why, e.g. the document was deleted in Entrata.',
    }),
  },
  { additionalProperties: false },
);

/** A report as support sees it. */
function view(row: ReportRow) {
  return {
    reportId: row.reportId,
    tenantId: row.tenantId,
    applicationId: row.applicationId,
    entrataApplicationId: row.entrataApplicationId,
    propertyId: row.propertyId,
    reportType: row.reportType,
    scope: row.scope,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    uploadUnconfirmed: row.uploadUnconfirmed,
    entrataFileId: row.entrataFileId,
    note: row.note,
    syncedAt: row.syncedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type Refusal = { refused: number; title: string; detail: string };

export async function adminRoutes(app: HttpServer, ctx: ReportSyncContext): Promise<void> {
  const { db } = ctx;
  app.addHook(
    'onRequest',
    bearerAuth({ tokens: [ctx.env.ADMIN_TOKEN, ctx.env.ADMIN_TOKEN_PREVIOUS], realm: 'report-sync admin' }),
  );

  app.get(
    '/admin/reports',
    {
      schema: {
        querystring: Type.Object(
          {
            status: Type.Optional(Status),
            tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const rows = await listReports(db.client, request.query);
      return { reports: rows.map(view) };
    },
  );

  app.get('/admin/reports/:reportId', { schema: { params: Params } }, async (request, reply) => {
    const row = await findReport(db.client, request.params.reportId);
    if (!row) return notFound(reply, request.params.reportId);
    const actions = await listActions(db.client, row.reportId);
    return {
      ...view(row),
      actions: actions.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
    };
  });

  const reopen = async (
    reply: FastifyReply,
    reportId: string,
    action: ReportActionKind,
    body: { requestedBy?: string | undefined; reason?: string | undefined },
  ) => {
    const requestedBy = body.requestedBy ?? 'unspecified';
    const reason = body.reason ?? (action === 'retry' ? 'support retry' : 'support re-upload');
    const result = await db.run(async (tx): Promise<ReportRow | Refusal | undefined> => {
      const row = await findReportForUpdate(tx, reportId);
      if (!row) return undefined;
      const refusal = refuse(row, action);
      if (refusal) return refusal;
      const reopened = await reopenReport(tx, reportId, {
        note: `${action} requested by ${requestedBy}: ${reason}`,
        // Re-uploading a synced report means its document is gone from Entrata: do not look for it first.
        forgetDocument: action === 'reupload' && row.status === 'synced',
      });
      await recordAction(tx, {
        reportId,
        action,
        requestedBy,
        reason,
        previousStatus: row.status,
        previousFileId: row.entrataFileId,
      });
      await ctx.jobs.send(ctx.syncReport, { reportId }, { tx, key: reportId });
      return reopened;
    });
    if (!result) return notFound(reply, reportId);
    if ('refused' in result) return sendProblem(reply, result.refused, result.title, result.detail);
    ctx.logger.info(
      { reportId, action, applicationId: result.applicationId },
      'support action: sync queued again',
    );
    return reply.code(202).send(view(result));
  };

  app.post(
    '/admin/reports/:reportId/retry',
    {
      schema: { params: Params, body: RetryBody },
      // A bare POST (no body) is a valid retry: who and why are optional here.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    (request, reply) => reopen(reply, request.params.reportId, 'retry', request.body),
  );

  app.post(
    '/admin/reports/:reportId/reupload',
    { schema: { params: Params, body: ReuploadBody } },
    (request, reply) => reopen(reply, request.params.reportId, 'reupload', request.body),
  );
}

function refuse(row: ReportRow, action: ReportActionKind): Refusal | undefined {
  if (row.status === 'pending' || row.status === 'uploading') {
    return {
      refused: 409,
      title: 'Conflict',
      detail: `Report ${row.reportId} is being synced (status ${row.status}); wait for the outcome.`,
    };
  }
  if (action === 'retry' && row.status === 'synced') {
    return {
      refused: 409,
      title: 'Conflict',
      detail: `Report ${row.reportId} is already in Entrata; use /reupload if its document was deleted there.`,
    };
  }
  return undefined;
}

function notFound(reply: FastifyReply, reportId: string) {
  return sendProblem(reply, 404, 'Not Found', `No report ${reportId}.`);
}
