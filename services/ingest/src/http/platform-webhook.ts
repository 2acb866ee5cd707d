import { logOutcome, sendProblem } from '@autoverify/service-kit';
import type { FastifyInstance } from 'fastify';
import { parseStrictJson } from '../domain/json-safety.ts';
import { parsePlatformWebhook } from '../domain/platform-events.ts';
import { bodyHash, verifyPlatformSignature } from '../domain/signatures.ts';
import { enqueuePlatformWebhook } from '../handlers/platform.ts';
import type { IngestContext } from '../service.ts';
import { insertPlatformWebhook } from '../store/webhooks.ts';
import { acceptRawBodyOfAnyType, headerText, sendInvalid, sendMalformed } from './raw-json.ts';

export const PLATFORM_WEBHOOK_BODY_LIMIT = 64 * 1024;

/** The active platform webhook secrets: the current one and, while rotating, the one being replaced. */
export const platformSecrets = (
  env: Pick<IngestContext['env'], 'PLATFORM_WEBHOOK_SECRET' | 'PLATFORM_WEBHOOK_SECRET_PREVIOUS'>,
): string[] => [
  env.PLATFORM_WEBHOOK_SECRET,
  ...(env.PLATFORM_WEBHOOK_SECRET_PREVIOUS ? [env.PLATFORM_WEBHOOK_SECRET_PREVIOUS] : []),
];

/** What the route uses of ingest's context (a unit test passes a database that is down). */
export type PlatformWebhookContext = Pick<IngestContext, 'env' | 'db' | 'jobs' | 'processPlatformWebhook'>;

/**
 * POST /webhooks/verification-platform. Documented: a flat JSON body signed with `Verification-Signature`
 * (hex HMAC-SHA256 of the raw bytes), without event id, timestamp or tenant; the Content-Type is NOT
 * documented, so the body is read as JSON whatever the header says (or without one).
 *
 * No timestamp is signed, so replays are ours to stop: the key is the sha256 of the exact bytes. An
 * identical body (a retry, a replay, or a VERIFICATION_COMPLETED fired again for a reopened verification,
 * which says nothing new) is acknowledged as a duplicate and not processed again; a body that differs in
 * any byte is a new delivery.
 */
export function platformWebhookRoutes(scope: FastifyInstance, ctx: PlatformWebhookContext): void {
  acceptRawBodyOfAnyType(scope, PLATFORM_WEBHOOK_BODY_LIMIT);

  scope.post('/webhooks/verification-platform', async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const verdict = verifyPlatformSignature({
      header: headerText(request.headers['verification-signature']),
      rawBody: raw,
      secrets: platformSecrets(ctx.env),
    });
    if (!verdict.ok) {
      request.log.warn({ reason: verdict.reason }, 'platform webhook rejected');
      return sendProblem(reply, 401, 'Unauthorized', verdict.reason, { type: 'urn:problem:unauthorized' });
    }
    const json = parseStrictJson(raw);
    if (!json.ok) return sendMalformed(reply, json.message);
    const parsed = parsePlatformWebhook(json.value);
    if (!parsed.ok) return sendInvalid(reply, parsed.errors);
    const dedupeKey = `sha256:${bodyHash(raw)}`;
    let inserted: boolean;
    try {
      inserted = await ctx.db.run(async (tx) => {
        const isNew = await insertPlatformWebhook(tx, {
          dedupeKey,
          code: parsed.webhook.code,
          rawBody: raw,
        });
        if (isNew) await enqueuePlatformWebhook(ctx, tx, dedupeKey);
        return isNew;
      });
    } catch (error) {
      request.log.error({ err: error, dedupeKey }, 'platform webhook could not be stored');
      reply.header('retry-after', '30');
      return sendProblem(reply, 503, 'Service Unavailable', 'The webhook could not be stored; retry later.', {
        type: 'urn:problem:unavailable',
      });
    }
    logOutcome(
      request,
      {
        dedupeKey,
        code: parsed.webhook.code,
        duplicate: !inserted,
        contentType: headerText(request.headers['content-type']) ?? null,
      },
      'platform webhook received',
    );
    return inserted
      ? reply.code(202).send({ status: 'accepted', id: dedupeKey })
      : reply.code(200).send({ status: 'duplicate' });
  });
}
