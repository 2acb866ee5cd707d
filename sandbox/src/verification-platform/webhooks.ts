import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookSender } from '../shared/webhook-sender.ts';
import { completeVerification, type PlatformEvent, startVerification } from './completion.ts';
import type { ApplicantGroup, PlatformStore } from './store.ts';

/** Hex HMAC-SHA256 of the exact raw body with the shared secret; no timestamp is signed (as documented). */
export const PLATFORM_SIGNATURE_HEADER = 'verification-signature';

export function signPlatformWebhook(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** The JSON the receiver gets; `event_id` lets it de-duplicate retries and duplicates. */
export interface PlatformWebhookBody {
  code: PlatformEvent['code'];
  data: Record<string, string>;
  event_id: string;
  created_at: string;
}

export interface PlatformWebhookDeps {
  store: PlatformStore;
  sender: WebhookSender;
  webhookSecret: string;
}

/**
 * Sends the events in order (each after the previous one is delivered or given up). With `duplicate` every
 * event goes out twice with identical bytes, like a provider that retried after a lost acknowledgement.
 */
export function sendPlatformEvents(
  deps: PlatformWebhookDeps,
  group: ApplicantGroup,
  events: PlatformEvent[],
  duplicate = deps.store.duplicateWebhooks,
): PlatformWebhookBody[] {
  const bodies = events.map(
    (e): PlatformWebhookBody => ({
      code: e.code,
      data: e.data,
      event_id: randomUUID(),
      created_at: new Date().toISOString(),
    }),
  );
  const run = async () => {
    for (const body of bodies) {
      const raw = JSON.stringify(body);
      const signature = signPlatformWebhook(deps.webhookSecret, raw);
      for (let copy = 0; copy < (duplicate ? 2 : 1); copy++) {
        await deps.sender.send({
          source: 'platform',
          event: body.code,
          url: group.webhookUrl,
          body: raw,
          contentType: 'application/json',
          headers: () => ({ [PLATFORM_SIGNATURE_HEADER]: signature }),
        }).done;
      }
    }
  };
  void run();
  return bodies;
}

export class NotFoundError extends Error {}

export function startAndNotify(deps: PlatformWebhookDeps, verificationId: string): PlatformWebhookBody[] {
  const found = deps.store.findVerification(verificationId);
  if (!found) throw new NotFoundError(`Verification ${verificationId} not found.`);
  return sendPlatformEvents(deps, found.group, startVerification(found.verification));
}

export function completeAndNotify(
  deps: PlatformWebhookDeps,
  verificationId: string,
  options: { reasonCompleted?: string; duplicate?: boolean } = {},
): PlatformWebhookBody[] {
  const found = deps.store.findVerification(verificationId);
  if (!found) throw new NotFoundError(`Verification ${verificationId} not found.`);
  const events = completeVerification(
    found.group,
    found.applicant,
    found.verification,
    options.reasonCompleted ?? 'applicant_completed',
  );
  return sendPlatformEvents(deps, found.group, events, options.duplicate ?? deps.store.duplicateWebhooks);
}
