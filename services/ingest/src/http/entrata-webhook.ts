import { randomBytes } from 'node:crypto';
import type { TenantSettings } from '@autoverify/contracts';
import { logOutcome, sendProblem } from '@autoverify/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PROCESSED_ENTRATA_EVENTS, parseEntrataWebhook } from '../domain/entrata-webhook.ts';
import { parseStrictJson } from '../domain/json-safety.ts';
import { type Verdict, verifyBasicAuth, verifyEntrataSignature } from '../domain/signatures.ts';
import type { IngestContext } from '../service.ts';
import { insertEntrataWebhook } from '../store/webhooks.ts';
import { acceptRawJson, headerText, sendInvalid, sendMalformed } from './raw-json.ts';
import { webhookSyncWaker } from './webhook-sync-wake.ts';

export const ENTRATA_WEBHOOK_BODY_LIMIT = 64 * 1024;

/** Seconds a sender should wait before retrying when we could not store its webhook. */
const RETRY_AFTER_SECONDS = 30;

/** What the route uses of ingest's context (a unit test passes a database that is down). */
export type EntrataWebhookContext = Pick<IngestContext, 'tenants' | 'db' | 'clock' | 'logger'>;

/**
 * POST /webhooks/entrata/:tenantId - a hint that an application was submitted. Authenticated per tenant,
 * stored (with what its sync needs, queued by handlers/webhook-syncs.ts, which a NOTIFY wakes in whichever
 * process runs it) and acknowledged at once: Entrata is read later, by the sync job.
 * Unknown event names are stored and acknowledged but not processed. An unknown tenant is answered like a
 * known one with wrong credentials (401).
 */
export function entrataWebhookRoutes(scope: FastifyInstance, ctx: EntrataWebhookContext): void {
  acceptRawJson(scope, ENTRATA_WEBHOOK_BODY_LIMIT);
  const wakeSyncs = webhookSyncWaker(ctx.db.sql, ctx.logger);

  scope.post<{ Params: { tenantId: string } }>('/webhooks/entrata/:tenantId', async (request, reply) => {
    const { tenantId } = request.params;
    const tenant = ctx.tenants.get(tenantId);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const verdict = authenticate(ctx, tenant, request.headers, raw);
    if (!verdict.ok) {
      request.log.warn(
        { tenantId: tenantId.slice(0, 100), reason: verdict.reason },
        'entrata webhook rejected',
      );
      return sendUnauthorized(reply);
    }

    const json = parseStrictJson(raw);
    if (!json.ok) return sendMalformed(reply, json.message);
    const parsed = parseEntrataWebhook(json.value, json.numberSource);
    if (!parsed.ok) return sendInvalid(reply, parsed.errors);
    const hint = parsed.hint;
    const processed = PROCESSED_ENTRATA_EVENTS.has(hint.event);

    let stored: string | undefined;
    try {
      // One statement (atomic by itself), no transaction: the row is what makes the webhook processed.
      stored = await insertEntrataWebhook(ctx.db.sql, {
        tenantId,
        eventId: hint.eventId,
        event: hint.event,
        entrataApplicationId: hint.entrataApplicationId,
        propertyId: hint.propertyId,
        rawBody: raw,
        headers: storedHeaders(request.headers),
        status: processed ? 'accepted' : 'ignored',
      });
    } catch (error) {
      request.log.error(
        { err: error, tenantId, eventId: hint.eventId },
        'entrata webhook could not be stored',
      );
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return sendProblem(reply, 503, 'Service Unavailable', 'The webhook could not be stored; retry later.', {
        type: 'urn:problem:unavailable',
      });
    }
    if (stored && processed) wakeSyncs();
    const log = {
      tenantId,
      eventId: hint.eventId,
      event: hint.event,
      entrataApplicationId: hint.entrataApplicationId,
    };
    if (!stored) {
      logOutcome(request, log, 'entrata webhook duplicate');
      return reply.code(200).send({ status: 'duplicate' });
    }
    logOutcome(
      request,
      { ...log, id: stored, processed },
      processed ? 'entrata webhook accepted' : 'entrata webhook stored; event not processed',
    );
    return reply.code(202).send({ status: 'accepted', id: stored });
  });
}

/** A secret nobody has: an unknown tenant's request is checked against it, so it takes as long as a known one's. */
const NO_TENANT_SECRET = randomBytes(32).toString('hex');

function authenticate(
  ctx: EntrataWebhookContext,
  tenant: TenantSettings | undefined,
  headers: Record<string, string | string[] | undefined>,
  raw: Buffer,
): Verdict {
  if (!tenant || tenant.webhook.auth === 'hmac') {
    const verdict = verifyEntrataSignature({
      header: headerText(headers['x-entrata-signature']),
      rawBody: raw,
      secrets:
        tenant?.webhook.auth === 'hmac'
          ? tenant.webhook.secrets.map((ref) => ctx.tenants.secret(ref))
          : [NO_TENANT_SECRET],
      toleranceSeconds: tenant?.webhook.auth === 'hmac' ? tenant.webhook.toleranceSeconds : 300,
      nowSeconds: Math.floor(ctx.clock.now().getTime() / 1000),
    });
    return tenant ? verdict : { ok: false, reason: 'unknown tenant' };
  }
  return verifyBasicAuth({
    header: headerText(headers.authorization),
    username: tenant.webhook.username,
    passwords: tenant.webhook.passwords.map((ref) => ctx.tenants.secret(ref)),
  });
}

/**
 * One answer for every request that is not authenticated, whatever the reason (logged instead): an unknown
 * tenant, a missing, malformed, expired or wrong signature, or wrong Basic credentials look alike, so the
 * endpoint does not tell which tenants exist or how they authenticate. RFC 9110 wants a challenge on a 401:
 * the same one for every tenant.
 */
function sendUnauthorized(reply: FastifyReply): FastifyReply {
  reply.header('www-authenticate', 'Basic realm="entrata-webhooks"');
  return sendProblem(
    reply,
    401,
    'Unauthorized',
    'The webhook could not be authenticated: credentials missing, malformed, expired or wrong.',
    { type: 'urn:problem:unauthorized', instance: '/webhooks/entrata' },
  );
}

/** What support may need to see about a delivery; never credentials or the signature itself. */
function storedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['content-type', 'content-length', 'user-agent', 'x-request-id', 'x-forwarded-for']) {
    const value = headerText(headers[name]);
    if (value !== undefined) out[name] = value.slice(0, 500);
  }
  const signature = headerText(headers['x-entrata-signature']);
  const t = signature ? /(?:^|,)\s*t=(\d+)/.exec(signature)?.[1] : undefined;
  if (t) out['signature-timestamp'] = t;
  return out;
}
