import { parseRetryAfter } from '@autoverify/retry';

/**
 * How a provider call failed, in our terms. Transient failures are retried by the job queue; permanent
 * ones are recorded at once with a NotificationFailed reason.
 */
export type SendFailure =
  | {
      kind: 'transient';
      detail: string;
      retryAfterMs?: number | undefined;
      /** The provider may have taken the message anyway (timeout, 5xx): check before sending again. */
      uncertain?: boolean | undefined;
    }
  | {
      kind: 'permanent';
      reason: 'invalid_recipient' | 'opted_out' | 'bounced';
      detail: string;
    };

/** Thrown by the provider adapters so the job can tell the two kinds apart. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly failure: SendFailure;
  constructor(failure: SendFailure, options?: { cause?: unknown }) {
    super(failure.detail, options);
    this.failure = failure;
  }
}

/** The fields of a nodemailer/SMTP error that say what happened. */
export interface SmtpErrorInfo {
  code?: string | undefined;
  responseCode?: number | undefined;
  command?: string | undefined;
  response?: string | undefined;
  message?: string | undefined;
}

/**
 * SMTP reply codes: 4xx are temporary by definition (greylisting, full mailbox, rate limits), 5xx permanent.
 * 550/551/553 in answer to RCPT mean the mailbox does not exist or is not accepted: the address is wrong.
 * No reply code at all means the connection, DNS or TLS failed, or timed out: worth another try.
 */
export function classifySmtpError(error: SmtpErrorInfo): SendFailure {
  const code = error.responseCode;
  const detail = smtpDetail(error);
  if (code !== undefined && code >= 500 && code < 600) {
    const atRecipient = (error.command ?? '').toUpperCase().startsWith('RCPT');
    const badMailbox = code === 550 || code === 551 || code === 553;
    return { kind: 'permanent', reason: atRecipient && badMailbox ? 'invalid_recipient' : 'bounced', detail };
  }
  return { kind: 'transient', detail };
}

function smtpDetail(error: SmtpErrorInfo): string {
  const parts = [
    error.responseCode !== undefined ? `SMTP ${error.responseCode}` : (error.code ?? 'SMTP error'),
    error.command ? `on ${error.command.split(' ')[0]}` : undefined,
    // The server's reply text often echoes the address; keep only its first line, capped and scrubbed.
    scrubAddresses((error.response ?? error.message ?? '').split('\n')[0]?.slice(0, 200) ?? ''),
  ];
  return parts.filter(Boolean).join(' ');
}

/** Twilio error codes that make a message impossible to deliver whatever we retry. */
const TWILIO_PERMANENT: Record<number, 'invalid_recipient' | 'opted_out'> = {
  21211: 'invalid_recipient', // invalid 'To' phone number
  21614: 'invalid_recipient', // 'To' is not a mobile number
  21612: 'invalid_recipient', // cannot route to this number
  21408: 'invalid_recipient', // region not enabled
  21610: 'opted_out', // recipient replied STOP to this sender
};

/**
 * A non-2xx answer of the Twilio Messages API. 429 and 5xx are transient (with Retry-After when given);
 * other 4xx are our request's fault or the recipient's and retrying would only repeat them.
 */
export function classifyTwilioResponse(
  status: number,
  body: { code?: unknown; message?: unknown } | undefined,
  retryAfterHeader?: string | undefined,
): SendFailure {
  const code = typeof body?.code === 'number' ? body.code : Number(body?.code);
  const message = typeof body?.message === 'string' ? scrubAddresses(body.message.slice(0, 200)) : '';
  const detail = `Twilio HTTP ${status}${Number.isFinite(code) ? ` code ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (status === 429) return { kind: 'transient', detail, retryAfterMs: parseRetryAfter(retryAfterHeader) };
  if (status >= 500) {
    return { kind: 'transient', detail, retryAfterMs: parseRetryAfter(retryAfterHeader), uncertain: true };
  }
  const reason = Number.isFinite(code) ? TWILIO_PERMANENT[code] : undefined;
  if (reason) return { kind: 'permanent', reason, detail };
  if (status === 401 || status === 403) {
    // Wrong credentials are our configuration problem, not the recipient's: keep retrying (and alerting)
    // rather than telling the applicant's journey the message can never be sent.
    return { kind: 'transient', detail };
  }
  // Any other refusal (e.g. a body Twilio will not take): the provider rejected this message for good.
  return { kind: 'permanent', reason: 'bounced', detail };
}

/**
 * Provider messages echo the recipient ("The 'To' number +1303... is not valid"); failure details travel in
 * events and logs, which carry ids, not contact data.
 */
export function scrubAddresses(text: string): string {
  return text.replace(/[^\s<>"']+@[^\s<>"']+/g, '[email]').replace(/\+?\d(?:[\s().-]?\d){6,}/g, '[phone]');
}
