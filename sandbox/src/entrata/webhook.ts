import { createHmac, randomUUID } from 'node:crypto';
import type { Delivery, WebhookSender } from '../shared/webhook-sender.ts';
import type { Application, Org } from './store.ts';

/**
 * Entrata's webhook payload, event names, signing and retries are NOT publicly documented. This is our
 * configurable stand-in: a small JSON "hint" that an application was submitted, authenticated per org either by
 * `X-Entrata-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (mode `hmac`) or by HTTP
 * Basic auth (mode `basic`), and retried with backoff on non-2xx answers.
 */
export const ENTRATA_SIGNATURE_HEADER = 'x-entrata-signature';

export function signEntrataWebhook(secret: string, rawBody: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/** deliver: once; drop: never (a lost webhook); duplicate: twice with the same eventId; none: not even recorded. */
export type WebhookMode = 'deliver' | 'drop' | 'duplicate' | 'none';

export interface ApplicationWebhookResult {
  eventId?: string;
  url?: string;
  deliveries: Delivery[];
}

export function webhookUrlOf(org: Org, ingestBaseUrl: string): string {
  return org.webhook.url ?? `${ingestBaseUrl.replace(/\/$/, '')}/webhooks/entrata/${org.tenantId}`;
}

function authHeaders(org: Org, body: string): Record<string, string> {
  if (org.webhook.mode === 'basic') {
    const token = Buffer.from(`${org.webhook.username ?? ''}:${org.webhook.password ?? ''}`).toString(
      'base64',
    );
    return { authorization: `Basic ${token}` };
  }
  return {
    [ENTRATA_SIGNATURE_HEADER]: signEntrataWebhook(
      org.webhook.secret ?? '',
      body,
      Math.floor(Date.now() / 1000),
    ),
  };
}

export function sendApplicationWebhook(
  sender: WebhookSender,
  org: Org,
  application: Application,
  mode: WebhookMode,
  ingestBaseUrl: string,
): ApplicationWebhookResult {
  if (mode === 'none' || !org.webhook.enabled) return { deliveries: [] };
  const eventId = randomUUID();
  const url = webhookUrlOf(org, org.ingestBaseUrl ?? ingestBaseUrl);
  const body = JSON.stringify({
    event: 'application.submitted',
    eventId,
    occurredAt: new Date().toISOString(),
    org: org.org,
    propertyId: String(application.propertyId),
    applicationId: String(application.applicationId),
    // The lead id getLeads is asked by is the number Entrata also shows as the application id.
    leadId: String(application.applicationId),
  });
  const base = { source: 'entrata' as const, event: 'application.submitted', url, body };
  if (mode === 'drop') return { eventId, url, deliveries: [sender.drop(base)] };
  const send = () =>
    sender.send({ ...base, contentType: 'application/json', headers: () => authHeaders(org, body) }).delivery;
  const deliveries = [send()];
  if (mode === 'duplicate') deliveries.push(send());
  return { eventId, url, deliveries };
}
