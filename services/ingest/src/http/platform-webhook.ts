import { sendProblem } from '@autoverify/service-kit';
import type { FastifyInstance } from 'fastify';
import { parsePlatformWebhook } from '../domain/platform-events.ts';
import { bodyHash, verifyPlatformSignature } from '../domain/signatures.ts';
import { enqueuePlatformWebhook } from '../handlers/platform.ts';
import type { Deps } from '../ports.ts';
import { acceptRawBodyOfAnyType, headerText, parseJson, sendInvalid, sendMalformed } from './raw-json.ts';

export const PLATFORM_WEBHOOK_BODY_LIMIT = 64 * 1024;

export interface PlatformWebhookDeps extends Deps {
  platformWebhookSecret: string;
  /** Retries of a webhook whose id mapping has not arrived (see handlers/platform.ts). */
  platformMappingRetries?: number;
}

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
export function platformWebhookRoutes(deps: PlatformWebhookDeps) {
  return async (scope: FastifyInstance) => {
    acceptRawBodyOfAnyType(scope, PLATFORM_WEBHOOK_BODY_LIMIT);

    scope.post('/webhooks/verification-platform', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifyPlatformSignature({
        header: headerText(request.headers['verification-signature']),
        rawBody: raw,
        secret: deps.platformWebhookSecret,
      });
      if (!verdict.ok) {
        request.log.warn({ reason: verdict.reason }, 'platform webhook rejected');
        return sendProblem(reply, 401, 'Unauthorized', verdict.reason, { type: 'urn:problem:unauthorized' });
      }
      const json = parseJson(raw);
      if (!json.ok) return sendMalformed(reply, json.message);
      const parsed = parsePlatformWebhook(json.value);
      if (!parsed.ok) return sendInvalid(reply, parsed.errors);
      const dedupeKey = `sha256:${bodyHash(raw)}`;
      let inserted: boolean;
      try {
        inserted = await deps.transactions.run(async (tx) => {
          const rows = await tx.$queryRaw<{ dedupe_key: string }[]>`
            INSERT INTO platform_webhooks (dedupe_key, code, body, status)
            VALUES (${dedupeKey}, ${parsed.webhook.code}, ${JSON.stringify(json.value)}::jsonb, 'pending')
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key`;
          if (rows.length > 0)
            await enqueuePlatformWebhook(tx, deps.jobs, dedupeKey, deps.platformMappingRetries);
          return rows.length > 0;
        });
      } catch (error) {
        request.log.error({ err: error, dedupeKey }, 'platform webhook could not be stored');
        reply.header('retry-after', '30');
        return sendProblem(
          reply,
          503,
          'Service Unavailable',
          'The webhook could not be stored; retry later.',
          { type: 'urn:problem:unavailable' },
        );
      }
      request.log.info(
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
  };
}
