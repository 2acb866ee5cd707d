import type { HttpServer } from '@autoverify/service-kit';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Scope } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { registerActions } from './actions.ts';
import { contactKey } from './contact-key.ts';
import { errorPage } from './errors.ts';
import { field } from './form.ts';
import type { Html } from './html.ts';
import { page, stylesheet } from './layout.ts';
import { signInPage } from './pages.ts';
import { registerPages } from './pages-routes.ts';
import { csrfMatches, SESSION_COOKIE, type Session, SessionStore } from './session.ts';

/** What the page and action routes share. */
export interface WebContext {
  /** The console's context: its use cases (src/console) and store functions work with it. */
  support: SupportContext;
  /** Base URL of Grafana (GRAFANA_URL); trace ids link to Explore when set. */
  grafanaUrl: string | undefined;
  contactKey: ReturnType<typeof contactKey>;
  /** A preHandler: a signed-in session with `scope` (and, for POST, the session's CSRF token). */
  guard(scope: Scope): { preHandler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> };
  sessionOf(request: FastifyRequest): Session;
  send(
    reply: FastifyReply,
    title: string,
    session: Session | undefined,
    body: Html,
    status?: number,
  ): FastifyReply;
}

// No script at all, styles only from our stylesheet, forms only to us, never framed.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** The web front of the support console at `/`: server-rendered pages on the same tokens, scopes and audit. */
export function registerWebConsole(app: HttpServer, support: SupportContext): void {
  app.register(async (web) => webConsole(web as unknown as FastifyInstance, support));
}

async function webConsole(web: FastifyInstance, support: SupportContext): Promise<void> {
  await web.register(cookie);
  await web.register(formbody);
  const sessions = new SessionStore();
  const bySession = new WeakMap<FastifyRequest, Session>();

  const send: WebContext['send'] = (reply, title, session, body, status = 200) =>
    reply
      .code(status)
      .headers(SECURITY_HEADERS)
      .type('text/html; charset=utf-8')
      .send(page(title, session, body).text);

  const ctx: WebContext = {
    support,
    grafanaUrl: support.env.GRAFANA_URL,
    contactKey: contactKey(),
    send,
    sessionOf(request) {
      const session = bySession.get(request);
      if (!session) throw new Error('route has no guard preHandler');
      return session;
    },
    guard: (scope) => ({
      preHandler: async (request, reply) => {
        const session = sessions.get(request.cookies[SESSION_COOKIE]);
        if (!session) {
          if (request.method === 'GET')
            return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
          return send(reply, 'Sign in', undefined, signInPage('Your session ended: sign in again.'), 401);
        }
        if (
          request.method === 'POST' &&
          !csrfMatches(session, (request.body as Record<string, unknown>)?._csrf)
        ) {
          request.log.warn({ caller: session.caller.name }, 'web form without a valid CSRF token');
          return send(
            reply,
            'Form expired',
            session,
            errorPage('The form is out of date. Go back, reload and try again.'),
            403,
          );
        }
        if (!session.caller.scopes.has(scope)) {
          request.log.warn({ caller: session.caller.name, scope }, 'web action without the required scope');
          return send(
            reply,
            'Not allowed',
            session,
            errorPage(
              `This needs the scope "${scope}", which the token of ${session.caller.name} does not have.`,
            ),
            403,
          );
        }
        bySession.set(request, session);
      },
    }),
  };

  // A form posted from another site is refused before anything else looks at it.
  web.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const origin = request.headers.origin;
    if (origin && origin !== 'null' && new URL(origin).host !== request.headers.host)
      return send(reply, 'Not allowed', undefined, errorPage('Forms are accepted only from this site.'), 403);
  });

  web.setErrorHandler((error, request, reply) => {
    const known = errorPage.of(error);
    if (!known) request.log.error({ err: error }, 'web console request failed');
    const session = sessions.get(request.cookies?.[SESSION_COOKIE]);
    return send(
      reply,
      known?.title ?? 'Something went wrong',
      session,
      errorPage(known?.detail ?? 'The error was logged.'),
      known?.status ?? 500,
    );
  });

  web.get('/assets/console.css', async (_request, reply) =>
    reply
      .headers({ 'cache-control': 'max-age=300', 'x-content-type-options': 'nosniff' })
      .type('text/css')
      .send(stylesheet),
  );

  web.get('/sign-in', async (request, reply) =>
    send(
      reply,
      'Sign in',
      undefined,
      signInPage(undefined, localPath((request.query as { next?: string }).next)),
    ),
  );

  web.post('/sign-in', async (request, reply) => {
    const caller = authenticate(support.tokens, field(request.body, 'token') || undefined);
    if (!caller) {
      request.log.warn('web sign-in with an unknown token');
      return send(
        reply,
        'Sign in',
        undefined,
        signInPage('That token is not valid.', localPath(field(request.body, 'next'))),
        401,
      );
    }
    const session = sessions.create(caller);
    request.log.info({ caller: caller.name }, 'web sign-in');
    return reply
      .setCookie(SESSION_COOKIE, session.id, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
      })
      .redirect(localPath(field(request.body, 'next')), 303);
  });

  web.post('/sign-out', async (request, reply) => {
    const session = sessions.get(request.cookies[SESSION_COOKIE]);
    if (session && csrfMatches(session, (request.body as Record<string, unknown>)?._csrf))
      sessions.destroy(session.id);
    return reply.clearCookie(SESSION_COOKIE, { path: '/' }).redirect('/sign-in', 303);
  });

  registerPages(web, ctx);
  registerActions(web, ctx);
}

/** Where to go after signing in: a path of this site only (never //host or another scheme); else home. */
export function localPath(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : '/';
}
