import type { Logger, Outbox, Transactions } from '@autoverify/messaging';
import { normaliseAddress, senderScope, tenantScope } from '../domain/address.ts';
import {
  type ComposedMessage,
  type ComposeOptions,
  composeMessage,
  type PropertyBranding,
} from '../domain/compose.ts';
import { ProviderError, type SendFailure } from '../domain/send-failure.ts';
import type { FailureReason } from '../domain/types.ts';
import type { EmailProvider } from '../providers/email.ts';
import type { SmsProvider } from '../providers/sms.ts';
import {
  addSuppression,
  claimNotification,
  findNotification,
  isSuppressed,
  type NotificationRow,
  releaseClaim,
} from '../store.ts';
import { recordFailed, recordSent } from './outcomes.ts';

export const SEND_NOTIFICATION_JOB = 'send-notification';

/**
 * pg-boss retries a failed job this many times with exponential backoff (base SEND_RETRY_DELAY_SECONDS:
 * 5 s, 10 s, ... ~21 minutes in all). Our own attempt counter (one per claim) says when the last try
 * has come, so the final failure is recorded even though the queue does not tell the handler.
 */
export const SEND_RETRY_LIMIT = 8;
export const SEND_RETRY_DELAY_SECONDS = 5;
export const SEND_MAX_ATTEMPTS = SEND_RETRY_LIMIT + 1;

/** The longest Retry-After honoured by waiting inside the job; longer ones are left to the backoff. */
const MAX_RETRY_AFTER_WAIT_MS = 30_000;

export interface SendNotificationJobData {
  notificationId: string;
}

export interface SendNotificationDeps<Tx> {
  transactions: Transactions<Tx>;
  outbox: Outbox<Tx>;
  tenants: { property(tenantId: string, propertyId: string): PropertyBranding };
  email: EmailProvider;
  sms: SmsProvider;
  relay: { wake(): void };
  logger: Logger;
  compose: ComposeOptions;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Transient: the job throws this so the queue retries it. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

export function sendNotificationJob<Tx>(deps: SendNotificationDeps<Tx>) {
  const { transactions, outbox } = deps;
  const maxAttempts = deps.maxAttempts ?? SEND_MAX_ATTEMPTS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const fail = async (row: NotificationRow, failure: { reason: FailureReason; detail: string }) => {
    const changed = await transactions.run(async (tx) => {
      const sql = transactions.sql(tx);
      if (failure.reason === 'opted_out' && row.channel === 'sms' && row.smsFrom) {
        // The provider knows of an opt-out we had missed (21610): remember it so we stop trying.
        await addSuppression(sql, {
          channel: 'sms',
          scope: senderScope(row.smsFrom),
          address: normaliseAddress('sms', row.recipient),
          source: 'provider:21610',
        });
      }
      return recordFailed(tx, sql, outbox, row, failure.reason, failure.detail);
    });
    if (changed) deps.relay.wake();
  };

  const deliver = async (message: ComposedMessage): Promise<string> =>
    message.channel === 'email' ? deps.email.send(message.email) : deps.sms.send(message.sms);

  return async function sendNotification(data: SendNotificationJobData): Promise<void> {
    if (typeof data?.notificationId !== 'string' || data.notificationId === '') {
      // Retrying cannot fix a malformed job; it would only fail again.
      deps.logger.error({ job: SEND_NOTIFICATION_JOB }, 'job data without a notificationId: dropped');
      return;
    }
    const log = deps.logger.child({ job: SEND_NOTIFICATION_JOB, notificationId: data.notificationId });
    const row = await findNotification(transactions.sql(), data.notificationId);
    if (!row) {
      log.error({}, 'notification not found: nothing to send');
      return;
    }
    if (row.status === 'sent' || row.status === 'failed') return;
    const logCtx = {
      tenantId: row.tenantId,
      applicationId: row.applicationId,
      channel: row.channel,
      purpose: row.purpose,
    };

    const property = deps.tenants.property(row.tenantId, row.propertyId);
    const scopes = [tenantScope(row.tenantId)];
    if (row.channel === 'sms') scopes.push(senderScope(property.sender.smsFrom));
    if (
      await isSuppressed(
        transactions.sql(),
        row.channel,
        normaliseAddress(row.channel, row.recipient),
        scopes,
      )
    ) {
      log.info(logCtx, 'recipient opted out: not sent');
      await fail(row, {
        reason: 'opted_out',
        detail: `recipient opted out of ${row.channel === 'sms' ? 'text messages' : 'email'}`,
      });
      return;
    }

    const message = composeMessage(row, property, deps.compose);
    const interrupted = row.status === 'sending' ? row : undefined;
    const claimed = await transactions.run((tx) =>
      claimNotification(
        transactions.sql(tx),
        row.notificationId,
        message.channel === 'sms' ? message.sms : undefined,
      ),
    );
    if (!claimed) return;
    const attemptCtx = { ...logCtx, attempt: claimed.attempts };

    let providerMessageId: string | undefined;
    let phase: 'lookup' | 'send' = 'lookup';
    try {
      if (interrupted)
        providerMessageId = await recoverInterrupted(interrupted, deps.sms, log.child(attemptCtx));
      phase = 'send';
      providerMessageId ??= await deliver(message);
    } catch (error) {
      const failure: SendFailure =
        error instanceof ProviderError
          ? error.failure
          : { kind: 'transient', detail: `unexpected: ${(error as Error).message}` };
      if (failure.kind === 'permanent') {
        log.warn(
          { ...attemptCtx, reason: failure.reason, detail: failure.detail },
          'provider refused the message',
        );
        await fail(claimed, failure);
        return;
      }
      if (claimed.attempts >= maxAttempts) {
        log.error({ ...attemptCtx, detail: failure.detail }, 'giving up after the last attempt');
        await fail(claimed, {
          reason: 'retries_exhausted',
          detail: `${claimed.attempts} attempts; last: ${failure.detail}`,
        });
        return;
      }
      // Released only when the provider certainly has not taken the SMS. Otherwise (timeouts, 5xx, a failed
      // lookup) the row stays 'sending' so the next try looks the message up instead of sending blindly.
      // Email has no lookup: it is released either way and re-sent with the same Message-ID.
      const uncertain = message.channel === 'sms' && (phase === 'lookup' || failure.uncertain === true);
      if (!uncertain)
        await transactions.run((tx) =>
          releaseClaim(transactions.sql(tx), row.notificationId, failure.detail),
        );
      log.warn({ ...attemptCtx, detail: failure.detail }, 'transient send failure: will retry');
      if (failure.kind === 'transient' && failure.retryAfterMs)
        await sleep(Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_WAIT_MS));
      throw new RetryLaterError(failure.detail, { cause: error });
    }

    // Outside the try: once the provider took the message, no failure here may release the claim (a re-run
    // finds 'sending' and checks before sending again).
    const id = providerMessageId;
    const recorded = await transactions.run((tx) =>
      recordSent(tx, transactions.sql(tx), outbox, claimed, id),
    );
    if (recorded) {
      deps.relay.wake();
      log.info({ ...attemptCtx }, 'notification sent');
    }
  };
}

/**
 * The row was left 'sending': a previous run died during (or right after) the provider call. For SMS the
 * provider can be asked whether it took the message; for email SMTP offers no such lookup, so the email is
 * sent again with the same Message-ID (at least once: a receiving system that de-duplicates on Message-ID
 * shows it once).
 */
async function recoverInterrupted(
  row: NotificationRow,
  sms: SmsProvider,
  log: Logger,
): Promise<string | undefined> {
  if (row.channel !== 'sms') {
    log.warn({}, 'interrupted email send: sending again with the same Message-ID');
    return undefined;
  }
  if (!row.smsFrom || !row.smsBody || !row.sendingSince) return undefined;
  const found = await sms.findSent(
    { to: row.recipient, from: row.smsFrom, body: row.smsBody },
    new Date(row.sendingSince),
  );
  log.warn({ found: found !== undefined }, 'interrupted SMS send: looked the message up at the provider');
  return found;
}
