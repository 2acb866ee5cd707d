import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listDeadLetters, showDeadLetter } from '../console/dead-letters.ts';
import { timeline } from '../console/timeline.ts';
import { type ApplicationRef, parseApplicationRef } from '../domain/application-ref.ts';
import { requireConsumer } from '../domain/dead-letters.ts';
import { applicationPage } from './application-page.ts';
import { applicationView } from './application-view.ts';
import { normaliseContact } from './contact-key.ts';
import { BadFormError } from './errors.ts';
import { field, reasonOf } from './form.ts';
import { auditPage, deadLetterPage, deadLettersPage, healthPage, searchPage, tenantsPage } from './pages.ts';
import type { WebContext } from './plugin.ts';
import { auditEntries, findByContact, findByIds, tenantHealth, tenants } from './queries.ts';

type Query = Record<string, string | undefined>;
const TENANT = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** The read-only pages, and the two POSTs that only read: the contact search and unmasking. */
export function registerPages(web: FastifyInstance, ctx: WebContext): void {
  const { support, send } = ctx;

  web.get('/', ctx.guard('timeline:read'), async (request, reply) =>
    send(reply, 'Find an application', ctx.sessionOf(request), searchPage(ctx.sessionOf(request))),
  );

  web.get('/applications', ctx.guard('timeline:read'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const { q = '', kind } = request.query as Query;
    const text = q.trim().slice(0, 300);
    if (!text) return reply.redirect('/', 303);
    let hits: Awaited<ReturnType<typeof findByIds>>;
    if (kind === 'property') hits = await findByIds(support.db.client, { propertyId: text });
    else if (text.startsWith('entrata:') || /^[0-9a-f-]{36}$/i.test(text)) {
      const ref = parseApplicationRef(text);
      hits = await findByIds(
        support.db.client,
        ref.kind === 'entrata'
          ? { entrataApplicationId: ref.entrataApplicationId, tenantId: ref.tenantId }
          : { applicationId: ref.applicationId },
      );
    } else hits = await findByIds(support.db.client, { entrataApplicationId: text });
    if (hits.length === 1 && hits[0]) return reply.redirect(`/applications/${hits[0].applicationId}`, 303);
    return send(reply, 'Find an application', session, searchPage(session, { label: `"${text}"`, hits }));
  });

  web.post('/applications/by-contact', ctx.guard('timeline:read'), async (request, reply) => {
    const session = ctx.sessionOf(request);
    const contact = normaliseContact(field(request.body, 'contact'));
    if (!contact)
      return send(
        reply,
        'Find an application',
        session,
        searchPage(session, undefined, 'That is neither an email address nor a phone number.'),
        400,
      );
    const hits = await findByContact(support.db.client, ctx.contactKey, contact);
    // Never echo the contact: the label says what kind of value matched.
    return send(
      reply,
      'Find an application',
      session,
      searchPage(session, { label: `the ${contact.kind} given`, hits }),
    );
  });

  const showApplication = async (
    request: FastifyRequest,
    reply: FastifyReply,
    ref: ApplicationRef,
    unmaskReason: string | null,
  ) => {
    const session = ctx.sessionOf(request);
    // Unmasked only with the reason the page asks for; the use case audits it as it does the admin API's.
    const entries = await timeline(
      support,
      session.caller,
      ref,
      unmaskReason === null ? undefined : { reason: unmaskReason },
    );
    if (entries.length === 0)
      return send(
        reply,
        'Not found',
        session,
        searchPage(session, undefined, 'No events recorded for that application.'),
        404,
      );
    const view = applicationView(ref.applicationId, entries);
    return send(
      reply,
      `Application ${view.entrataApplicationId ?? ref.applicationId}`,
      session,
      applicationPage(view, session, { masked: unmaskReason === null, grafanaUrl: ctx.grafanaUrl }),
    );
  };

  web.get('/applications/:id', ctx.guard('timeline:read'), async (request, reply) =>
    showApplication(request, reply, parseApplicationRef((request.params as { id: string }).id), null),
  );

  // The unmasked page is the answer to a POST: no URL holds it, the browser does not cache it (no-store).
  web.post('/applications/:id/unmask', ctx.guard('pii:read'), async (request, reply) =>
    showApplication(
      request,
      reply,
      parseApplicationRef((request.params as { id: string }).id),
      reasonOf(request.body),
    ),
  );

  web.get('/tenants', ctx.guard('timeline:read'), async (request, reply) =>
    send(reply, 'Tenant health', ctx.sessionOf(request), tenantsPage(await tenants(support.db.client))),
  );

  web.get('/tenants/:tenantId', ctx.guard('timeline:read'), async (request, reply) => {
    const { tenantId } = request.params as { tenantId: string };
    if (!TENANT.test(tenantId)) throw new BadFormError(`"${tenantId.slice(0, 80)}" is not a tenant id`);
    const now = support.clock.now();
    return send(
      reply,
      `Health of ${tenantId}`,
      ctx.sessionOf(request),
      healthPage(tenantId, await tenantHealth(support.db.client, tenantId, now), now),
    );
  });

  web.get('/audit', ctx.guard('audit:read'), async (request, reply) => {
    const q = request.query as Query;
    const filter = {
      ...(q.actor?.trim() ? { actor: q.actor.trim() } : {}),
      ...(q.action?.trim() ? { action: q.action.trim() } : {}),
      ...(q.target?.trim() ? { target: q.target.trim() } : {}),
    };
    return send(
      reply,
      'Audit log',
      ctx.sessionOf(request),
      auditPage(await auditEntries(support.db.client, filter), filter),
    );
  });

  web.get('/dead-letters', ctx.guard('dlq'), async (request, reply) => {
    const { consumer } = request.query as Query;
    const letters = consumer ? await listDeadLetters(support, requireConsumer(consumer), 100) : [];
    return send(reply, 'Dead letters', ctx.sessionOf(request), deadLettersPage(consumer, letters));
  });

  web.get('/dead-letters/:consumer/:partition/:offset', ctx.guard('dlq'), async (request, reply) => {
    const { consumer, partition, offset } = deadLetterParams(request.params);
    const letter = await showDeadLetter(support, consumer, partition, offset);
    return send(
      reply,
      `Dead letter ${consumer} ${partition}/${offset}`,
      ctx.sessionOf(request),
      deadLetterPage(letter, ctx.sessionOf(request)),
    );
  });
}

export function deadLetterParams(params: unknown): { consumer: string; partition: number; offset: string } {
  const { consumer, partition, offset } = params as Record<string, string>;
  if (!/^\d{1,9}$/.test(partition ?? '') || !/^\d{1,19}$/.test(offset ?? ''))
    throw new BadFormError('partition and offset must be numbers');
  return {
    consumer: requireConsumer(consumer ?? ''),
    partition: Number(partition),
    offset: offset as string,
  };
}
