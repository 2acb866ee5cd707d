import type { FastifyInstance } from 'fastify';
import { reportTypeOf } from './store.ts';
import { completeAndNotify, NotFoundError, type PlatformWebhookDeps, startAndNotify } from './webhooks.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The page an applicant lands on from an invitation link. A person (or a browser test) can start and complete
 * the verification here; the same actions are in the control API.
 */
export async function verifyPageRoutes(app: FastifyInstance, deps: PlatformWebhookDeps): Promise<void> {
  app.get('/verify/:verificationId', async (request, reply) => {
    const { verificationId } = request.params as { verificationId: string };
    const found = deps.store.findVerification(verificationId);
    reply.type('text/html; charset=utf-8');
    if (!found)
      return reply.code(404).send('<!doctype html><title>Not found</title><h1>This link is not valid.</h1>');
    const { group, applicant, verification } = found;
    const kind = reportTypeOf(verification.type);
    const action = (path: string, label: string) =>
      `<form method="post" action="/verify/${escapeHtml(verification.id)}/${path}"><button type="submit">${label}</button></form>`;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verify your ${escapeHtml(kind)}</title>
<style>body{font-family:sans-serif;max-width:36rem;margin:3rem auto}button{font-size:1rem;padding:.5rem 1rem}</style></head>
<body>
<p><small>Sandbox verification platform</small></p>
<h1>Hello ${escapeHtml(applicant.firstName)} ${escapeHtml(applicant.lastName)}</h1>
<p>${escapeHtml(group.decisionMakerDisplayName)} asks you to verify your <strong>${escapeHtml(kind)}</strong>
for ${escapeHtml(group.property.name)}.</p>
<p>Status: <strong id="status">${escapeHtml(verification.status.replace('_', ' '))}</strong></p>
${verification.status === 'not_started' ? action('start', 'Start verification') : ''}
${action('complete', verification.status === 'completed' ? 'Complete again (reopened)' : 'Complete verification')}
</body></html>`;
  });

  for (const [path, act] of [
    ['start', (id: string) => startAndNotify(deps, id)],
    ['complete', (id: string) => completeAndNotify(deps, id)],
  ] as const) {
    app.post(`/verify/:verificationId/${path}`, async (request, reply) => {
      const { verificationId } = request.params as { verificationId: string };
      try {
        act(verificationId);
      } catch (error) {
        if (error instanceof NotFoundError)
          return reply.code(404).type('text/html').send('<h1>This link is not valid.</h1>');
        throw error;
      }
      // Post/redirect/get, so a reload does not complete twice.
      return reply.redirect(`/verify/${encodeURIComponent(verificationId)}`, 303);
    });
  }
}
