import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookSender } from '../shared/webhook-sender.ts';
import {
  HELP_KEYWORDS,
  type MessageStatus,
  newSid,
  OPT_IN_KEYWORDS,
  OPT_OUT_KEYWORDS,
  type SmsMessage,
  type SmsStore,
  sentAt,
} from './store.ts';
import { TWILIO_SIGNATURE_HEADER, twilioSignature } from './twilio-signature.ts';

export interface TwilioDeps {
  store: SmsStore;
  sender: WebhookSender;
  accountSid: string;
  authToken: string;
  /** Where inbound messages are posted (notify's `/webhooks/twilio/inbound`). */
  inboundUrl: string;
  /** Pause between status changes of an outbound message. */
  statusDelayMs: number;
  /** Our number used for inbound replies when no earlier message says which number was texted. */
  defaultFrom: string;
}

export const E164 = /^\+[1-9]\d{7,14}$/;

/** A Twilio error as its REST API returns it. */
export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

const twilioDate = (iso: string) => new Date(iso).toUTCString().replace('GMT', '+0000');

/** The Message resource as Twilio's API shows it. */
export function messageResource(m: SmsMessage) {
  const sent = sentAt(m);
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: twilioDate(m.createdAt),
    date_sent: sent ? twilioDate(sent) : null,
    date_updated: twilioDate(m.statusHistory.at(-1)?.at ?? m.createdAt),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: null,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 153))),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  };
}

/** Posts form parameters signed exactly like Twilio does (URL + sorted params, HMAC-SHA1, auth token). */
function postSigned(
  deps: TwilioDeps,
  source: 'twilio-status' | 'twilio-inbound',
  event: string,
  url: string,
  params: Record<string, string>,
) {
  const signature = twilioSignature(deps.authToken, url, params);
  return deps.sender.send({
    source,
    event,
    url,
    body: new URLSearchParams(params).toString(),
    contentType: 'application/x-www-form-urlencoded',
    headers: () => ({ [TWILIO_SIGNATURE_HEADER]: signature }),
  });
}

/**
 * Moves an accepted outbound message through Twilio's statuses, with a status callback for each:
 * queued -> sent -> delivered, or -> undelivered (30003) / failed (30006) for numbers set up that way.
 */
export async function progressMessage(
  deps: TwilioDeps,
  message: SmsMessage,
  outcome: 'deliver' | 'undelivered' | 'failed',
) {
  const steps: { status: MessageStatus; errorCode?: number }[] =
    outcome === 'deliver'
      ? [{ status: 'sent' }, { status: 'delivered' }]
      : outcome === 'undelivered'
        ? [{ status: 'sent' }, { status: 'undelivered', errorCode: 30003 }]
        : [{ status: 'failed', errorCode: 30006 }];
  if (message.status === 'accepted') steps.unshift({ status: 'queued' });
  const callback = async (status: MessageStatus, errorCode?: number) => {
    if (!message.statusCallback) return;
    await postSigned(deps, 'twilio-status', status, message.statusCallback, {
      AccountSid: message.accountSid,
      ApiVersion: '2010-04-01',
      ...(message.from ? { From: message.from } : {}),
      ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
      ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
    }).done;
  };
  if (message.status === 'queued') await callback('queued');
  for (const step of steps) {
    await sleep(deps.statusDelayMs, undefined, { ref: false });
    deps.store.setStatus(message, step.status);
    if (step.errorCode) message.errorCode = step.errorCode;
    await callback(step.status, step.errorCode);
  }
}

function recordReply(deps: TwilioDeps, from: string, to: string, body: string): void {
  const now = new Date().toISOString();
  deps.store.messages.push({
    sid: newSid('SM'),
    accountSid: deps.accountSid,
    direction: 'outbound-reply',
    from,
    to,
    messagingServiceSid: null,
    body,
    status: 'delivered',
    statusHistory: [{ status: 'delivered', at: now }],
    errorCode: null,
    createdAt: now,
  });
}

/**
 * A person texts one of our numbers. Twilio itself handles STOP/START/HELP keywords (opt-out list and the
 * standard auto-reply, `OptOutType` in the webhook), then posts the message to the inbound webhook.
 */
export function receiveInbound(deps: TwilioDeps, input: { from: string; to?: string; body: string }) {
  const lastToThem = deps.store.messages.filter((m) => m.to === input.from && m.from).at(-1);
  const to = input.to ?? lastToThem?.from ?? deps.defaultFrom;
  const keyword = input.body.trim().toUpperCase();
  let optOutType: string | undefined;
  if (OPT_OUT_KEYWORDS.includes(keyword)) {
    optOutType = 'STOP';
    deps.store.optedOut.add(input.from);
    recordReply(
      deps,
      to,
      input.from,
      'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
    );
  } else if (OPT_IN_KEYWORDS.includes(keyword)) {
    optOutType = 'START';
    deps.store.optedOut.delete(input.from);
    recordReply(
      deps,
      to,
      input.from,
      'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
    );
  } else if (HELP_KEYWORDS.includes(keyword)) {
    optOutType = 'HELP';
    recordReply(deps, to, input.from, 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.');
  }
  const now = new Date().toISOString();
  const message: SmsMessage = {
    sid: newSid('SM'),
    accountSid: deps.accountSid,
    direction: 'inbound',
    from: input.from,
    to,
    messagingServiceSid: null,
    body: input.body,
    status: 'received',
    statusHistory: [{ status: 'received', at: now }],
    errorCode: null,
    createdAt: now,
  };
  deps.store.messages.push(message);
  const { delivery } = postSigned(deps, 'twilio-inbound', optOutType ?? 'message', deps.inboundUrl, {
    AccountSid: deps.accountSid,
    ApiVersion: '2010-04-01',
    Body: input.body,
    From: input.from,
    MessageSid: message.sid,
    NumMedia: '0',
    NumSegments: '1',
    SmsMessageSid: message.sid,
    SmsSid: message.sid,
    SmsStatus: 'received',
    To: to,
    ...(optOutType ? { OptOutType: optOutType } : {}),
  });
  return { message, delivery, optOutType };
}
