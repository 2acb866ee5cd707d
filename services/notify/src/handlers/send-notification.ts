import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@autoverify/messaging';
import type { JobAttempt } from '@autoverify/service-kit';
import { tagActiveSpan } from '@autoverify/telemetry';
import { normaliseAddress, senderScope, tenantScope } from '../domain/address.ts';
import { type ComposedMessage, type ComposeOptions, composeMessage } from '../domain/compose.ts';
import { ProviderError, type SendFailure } from '../domain/send-failure.ts';
import type { FailureReason } from '../domain/types.ts';
import { SEND_MAX_ATTEMPTS, type SendNotificationData, sendNotification } from '../jobs.ts';
import type { SmsProvider } from '../providers/sms.ts';
import type { NotifyContext } from '../service.ts';
import {
  addSuppression,
  claimNotification,
  findNotification,
  type NotificationRow,
  releaseClaim,
} from '../store.ts';
import { applyDeliveryFailure, recordFailed, recordSent } from './outcomes.ts';

/** The longest Retry-After honoured by waiting inside the job; longer ones are left to the backoff. */
const MAX_RETRY_AFTER_WAIT_MS = 30_000;

/** Transient: the job throws this so the queue retries it. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

export function sendNotificationJob(ctx: NotifyContext) {
  const { db } = ctx;
  const compose: ComposeOptions = { publicUrl: ctx.publicUrl, unsubscribeSecret: ctx.env.UNSUBSCRIBE_SECRET };

  const fail = async (row: NotificationRow, failure: { reason: FailureReason; detail: string }) => {
    await db.transaction(async (tx) => {
      if (failure.reason === 'opted_out' && row.channel === 'sms' && row.smsFrom) {
        // The provider knows of an opt-out we had missed (21610): remember it so we stop trying.
        await addSuppression(tx.sql, {
          channel: 'sms',
          scope: senderScope(row.smsFrom),
          address: normaliseAddress('sms', row.recipient),
          source: 'provider:21610',
        });
      }
      return recordFailed(ctx, tx, row, failure.reason, failure.detail);
    });
  };

  const deliver = async (message: ComposedMessage): Promise<string> =>
    message.channel === 'email' ? ctx.email.send(message.email) : ctx.sms.send(message.sms);

  return async function send(data: SendNotificationData, attempt: JobAttempt): Promise<void> {
    if (typeof data?.notificationId !== 'string' || data.notificationId === '') {
      // Retrying cannot fix a malformed job; it would only fail again.
      ctx.logger.error({ job: sendNotification.name }, 'job data without a notificationId: dropped');
      return;
    }
    const log = ctx.logger.child({ job: sendNotification.name, notificationId: data.notificationId });
    const row = await findNotification(db.sql, data.notificationId);
    if (!row) {
      log.error({}, 'notification not found: nothing to send');
      return;
    }
    if (row.status === 'failed') return;
    if (row.status === 'sent') {
      // A re-run: an earlier run may have died after recording the send, before applying a failure callback.
      if (row.channel === 'sms' && row.providerMessageId)
        await applyDeliveryFailure(ctx, row.providerMessageId);
      return;
    }
    tagActiveSpan({ tenantId: row.tenantId, applicationId: row.applicationId });
    const logCtx = {
      tenantId: row.tenantId,
      applicationId: row.applicationId,
      channel: row.channel,
      purpose: row.purpose,
    };

    const property = ctx.tenants.property(row.tenantId, row.propertyId);
    const scopes = [tenantScope(row.tenantId)];
    if (row.channel === 'sms') scopes.push(senderScope(property.sender.smsFrom));
    const message = composeMessage({ ...row, expiresAt: row.expiresAt.toISOString() }, property, compose);
    const interrupted = row.status === 'sending' ? row : undefined;
    // One statement with the opt-out check, committed before the provider call without a transaction around it.
    const claim = await claimNotification(
      db.sql,
      row,
      { address: normaliseAddress(row.channel, row.recipient), scopes },
      message.channel === 'sms' ? message.sms : undefined,
      ctx.clock.now(),
    );
    if (claim.suppressed) {
      log.info(logCtx, 'recipient opted out: not sent');
      await fail(row, {
        reason: 'opted_out',
        detail: `recipient opted out of ${row.channel === 'sms' ? 'text messages' : 'email'}`,
      });
      return;
    }
    const { claimed } = claim;
    if (!claimed) return;
    const attemptCtx = { ...logCtx, attempt: claimed.attempts };

    let providerMessageId: string | undefined;
    let phase: 'lookup' | 'send' = 'lookup';
    try {
      if (interrupted)
        providerMessageId = await recoverInterrupted(interrupted, ctx.sms, log.child(attemptCtx));
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
      // The queue's last run, or the notification's last provider call (its row counts the calls of every
      // job run for it, see SEND_MAX_ATTEMPTS): either way no retry follows.
      if (attempt.final || claimed.attempts >= SEND_MAX_ATTEMPTS) {
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
      if (!uncertain) await releaseClaim(db.sql, row.notificationId, failure.detail);
      log.warn({ ...attemptCtx, detail: failure.detail }, 'transient send failure: will retry');
      if (failure.kind === 'transient' && failure.retryAfterMs)
        await delay(Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_WAIT_MS), undefined, {
          signal: attempt.signal,
        }).catch(() => {});
      throw new RetryLaterError(failure.detail, { cause: error });
    }

    // Outside the try: once the provider took the message, no failure here may release the claim (a re-run
    // finds 'sending' and checks before sending again).
    const recorded = await recordSent(ctx, claimed, providerMessageId);
    if (recorded) log.info({ ...attemptCtx }, 'notification sent');
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
    row.sendingSince,
  );
  log.warn({ found: found !== undefined }, 'interrupted SMS send: looked the message up at the provider');
  return found;
}
