import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { redrive } from '../console/dead-letters.ts';
import { replay } from '../console/replay.ts';
import { type RerunResult, reportAction, resendInvite } from '../console/reruns.ts';
import { timeline } from '../console/timeline.ts';
import { parseApplicationRef } from '../domain/application-ref.ts';
import { requireConsumer } from '../domain/dead-letters.ts';
import { replayPreview, reportPreview, resendPreview } from './action-pages.ts';
import { applicationView } from './application-view.ts';
import { BadFormError } from './errors.ts';
import { field, fields, reasonOf } from './form.ts';
import { resultPage } from './pages.ts';
import { deadLetterParams } from './pages-routes.ts';
import type { WebContext } from './plugin.ts';
import type { Session } from './session.ts';

const KINDS = ['income', 'identity'] as const;
const CHANNELS = ['email', 'sms'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REPORT_ID = /^[\w.:-]{1,128}$/;

type Params = Record<string, string>;

function kindOf(value: string): (typeof KINDS)[number] {
  const kind = KINDS.find((k) => k === value);
  if (!kind) throw new BadFormError('kind must be income or identity');
  return kind;
}

function uuidOf(value: string, what: string): string {
  if (!UUID.test(value)) throw new BadFormError(`${what} must be a uuid`);
  return value.toLowerCase();
}

/** Every action: a preview first (GET, or a dry run), then a confirming POST with a reason; audited by the console. */
export function registerActions(web: FastifyInstance, ctx: WebContext): void {
  const { support, send } = ctx;
  const back = (applicationId: string) => ({
    href: `/applications/${applicationId}`,
    label: 'Back to the application',
  });

  /** The owning service's answer: its success, or its refusal, shown as it came. */
  const answer = (
    reply: FastifyReply,
    session: Session,
    what: string,
    result: RerunResult,
    applicationId: string,
  ) =>
    result.status >= 400
      ? send(
          reply,
          `${what}: refused`,
          session,
          resultPage(`The service answered ${result.status}.`, result.body, back(applicationId)),
          result.status >= 500 ? 502 : result.status,
        )
      : send(
          reply,
          what,
          session,
          resultPage(`Done (${result.status}); recorded in the audit log.`, result.body, back(applicationId)),
        );

  web.get('/applications/:id/resend', ctx.guard('rerun'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const ref = parseApplicationRef((request.params as Params).id ?? '');
    const query = request.query as Params;
    const applicantId = uuidOf(query.applicantId ?? '', 'applicantId');
    const kind = kindOf(query.kind ?? '');
    const view = applicationView(ref.applicationId, await timeline(support, session.caller, ref, undefined));
    const applicant = view.applicants.find((a) => a.applicantId === applicantId);
    if (!applicant) throw new BadFormError('that applicant is not on this application');
    const earlier = applicant.events.filter((e) => e.type === 'InviteSent' && e.payload.kind === kind).length;
    const preview = {
      applicationId: ref.applicationId,
      applicantId,
      kind,
      name: applicant.name,
      channels: [
        { channel: 'email' as const, to: applicant.email },
        { channel: 'sms' as const, to: applicant.phone },
      ],
      earlier,
    };
    return send(reply, `Re-send the ${kind} invite`, session, resendPreview(preview, randomUUID(), session));
  });

  web.post('/applications/:id/resend', ctx.guard('rerun'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const ref = parseApplicationRef((request.params as Params).id ?? '');
    const channels = fields(request.body, 'channels');
    if (channels.length === 0 || !channels.every((c) => (CHANNELS as readonly string[]).includes(c)))
      throw new BadFormError('choose at least one channel: email or sms');
    const idempotencyKey = field(request.body, 'idempotencyKey');
    const result = await resendInvite(support, session.caller, {
      applicationId: ref.applicationId,
      applicantId: uuidOf(field(request.body, 'applicantId'), 'applicantId'),
      kind: kindOf(field(request.body, 'kind')),
      channels: [...new Set(channels)],
      reason: reasonOf(request.body),
      ...(/^[\x21-\x7E]{1,200}$/.test(idempotencyKey) ? { idempotencyKey } : {}),
    });
    return answer(reply, session, 'Invite re-sent', result, ref.applicationId);
  });

  const replayRequest = (body: unknown, applicationId: string, dryRun: boolean) => {
    const target = field(body, 'target');
    return {
      scope: { applicationId },
      ...(target ? { target: requireConsumer(target) } : {}),
      dryRun,
      reason: reasonOf(body),
    };
  };

  web.post('/applications/:id/replay/preview', ctx.guard('replay'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const ref = parseApplicationRef((request.params as Params).id ?? '');
    const dry = await replay(support, session.caller, replayRequest(request.body, ref.applicationId, true));
    return send(reply, 'Replay: dry run', session, replayPreview(ref.applicationId, dry, session));
  });

  web.post('/applications/:id/replay', ctx.guard('replay'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const ref = parseApplicationRef((request.params as Params).id ?? '');
    const done = await replay(support, session.caller, replayRequest(request.body, ref.applicationId, false));
    return send(
      reply,
      'Replay sent',
      session,
      resultPage(
        `Replay ${done.id}: ${done.eventCount} event(s) sent to ${done.target ?? 'every consumer'}; recorded in the audit log.`,
        undefined,
        back(ref.applicationId),
      ),
      201,
    );
  });

  const reportParams = (params: unknown) => {
    const { id = '', reportId = '', action = '' } = params as Params;
    if (!REPORT_ID.test(reportId)) throw new BadFormError('not a report id');
    if (action !== 'retry' && action !== 'reupload')
      throw new BadFormError('the action is retry or reupload');
    return { applicationId: parseApplicationRef(id).applicationId, reportId, action } as const;
  };

  web.get('/applications/:id/reports/:reportId/:action', ctx.guard('rerun'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const p = reportParams(request.params);
    return send(
      reply,
      p.action === 'retry' ? 'Retry a report upload' : 'Re-upload a report',
      session,
      reportPreview(p.applicationId, p.reportId, p.action, session),
    );
  });

  web.post('/applications/:id/reports/:reportId/:action', ctx.guard('rerun'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const p = reportParams(request.params);
    const result = await reportAction(support, session.caller, p.action, p.reportId, reasonOf(request.body));
    return answer(
      reply,
      session,
      p.action === 'retry' ? 'Upload retried' : 'Report re-uploaded',
      result,
      p.applicationId,
    );
  });

  web.post('/dead-letters/:consumer/:partition/:offset/redrive', ctx.guard('dlq'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const { consumer, partition, offset } = deadLetterParams(request.params);
    const done = await redrive(
      support,
      session.caller,
      { consumer, partition, offset },
      {
        reason: reasonOf(request.body),
        force: field(request.body, 'force') === 'true',
      },
    );
    return send(
      reply,
      'Dead letter redriven',
      session,
      resultPage(
        `Redrive #${done.number} of ${done.eventType ?? 'the message'} sent to ${done.topic} for ${consumer}; recorded in the audit log.`,
        undefined,
        {
          href: `/dead-letters?consumer=${consumer}`,
          label: 'Back to the dead letters',
        },
      ),
      201,
    );
  });
}
