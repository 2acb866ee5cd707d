import { counterOf, type Meter } from '@autoverify/telemetry';

/**
 * Counts a notification's final state by channel and outcome (sent, failed_<reason>, undelivered). Counted
 * in the transaction that records it: a transaction rolled back after this line counts once more when it is
 * retried; the database rows, not this counter, are the record.
 */
export function countNotification(meter: Meter, channel: string, outcome: string): void {
  counterOf(meter, 'autoverify.notifications', 'Notifications that reached a final state').add(1, {
    channel,
    outcome,
  });
}
