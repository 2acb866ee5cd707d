import { createHmac } from 'node:crypto';
import type { WebhookSender } from '../shared/webhook-sender.ts';
import {
  completeVerification,
  DEFAULT_REASON_COMPLETED,
  type PlatformWebhookBody,
  startVerification,
} from './completion.ts';
import type { ApplicantGroup, PlatformStore } from './store.ts';

/**
 * Documented: header `Verification-Signature` = hex HMAC-SHA256 of the raw request body bytes with the
 * shared secret. No timestamp is signed.
 */
export const PLATFORM_SIGNATURE_HEADER = 'verification-signature';

export function signPlatformWebhook(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export type { PlatformWebhookBody };

export interface PlatformWebhookDeps {
  store: PlatformStore;
  sender: WebhookSender;
  webhookSecret: string;
}

/**
 * POSTs the bodies to the group's `webhook_url` in order (each after the previous one is delivered or given
 * up). With `duplicate` every body goes out twice with identical bytes and signature: nothing in a documented
 * body tells a retry from a new event, so the receiver de-duplicates by content.
 */
export function sendPlatformEvents(
  deps: PlatformWebhookDeps,
  group: ApplicantGroup,
  bodies: PlatformWebhookBody[],
  duplicate = deps.store.settings.duplicateWebhooks,
): PlatformWebhookBody[] {
  const url = group.webhookUrl;
  // Documented: webhooks go to the group's webhook_url, which the request may leave out.
  if (!url) return bodies;
  // NOT DOCUMENTED: the Content-Type (a setting, so tests can prove the receiver does not depend on it).
  const contentType = deps.store.settings.webhookContentType;
  const run = async () => {
    for (const body of bodies) {
      const raw = JSON.stringify(body);
      const signature = signPlatformWebhook(deps.webhookSecret, raw);
      for (let copy = 0; copy < (duplicate ? 2 : 1); copy++) {
        await deps.sender.send({
          source: 'platform',
          event: body.code,
          url,
          body: raw,
          contentType,
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
  const bodies = completeVerification(
    found.group,
    found.applicant,
    found.verification,
    options.reasonCompleted ?? DEFAULT_REASON_COMPLETED,
    deps.store.settings.householdReportApplicantId,
  );
  return sendPlatformEvents(
    deps,
    found.group,
    bodies,
    options.duplicate ?? deps.store.settings.duplicateWebhooks,
  );
}
