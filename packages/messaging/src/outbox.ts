import { type EventDefinition, type EventOf, type PayloadOf, topicOfEvent } from '@autoverify/contracts';
import { buildEvent, type EventMeta, eventKeyOf, validateEvent } from './events.ts';
import type { Transactions } from './sql.ts';

/**
 * Every outbox insert NOTIFYs this channel; PostgreSQL delivers it at commit (never for a rollback, once per
 * transaction however many events it added). A relay in another process (another replica, a row the
 * support console requeued) LISTENs and publishes at once instead of at its next poll.
 */
export const OUTBOX_NOTIFY_CHANNEL = 'autoverify_outbox';

/**
 * Transactional outbox: events are written in the caller's transaction, beside the state change they
 * describe, and the relay publishes them after commit. A rolled-back transaction publishes nothing.
 */
export class Outbox<Tx> {
  readonly #transactions: Transactions<Tx>;

  constructor(transactions: Transactions<Tx>) {
    this.#transactions = transactions;
  }

  /** Builds (and validates) the event and inserts it into `outbox` within tx. */
  async add<D extends EventDefinition>(
    tx: Tx,
    def: D,
    payload: PayloadOf<D>,
    meta: EventMeta,
  ): Promise<EventOf<D>> {
    const event = buildEvent(def, payload, meta);
    await this.#insert(tx, def, event);
    return event;
  }

  /** Inserts an existing envelope (e.g. a replay that keeps the original one), validated first. */
  async addEvent(tx: Tx, envelope: unknown): Promise<EventOf<EventDefinition>> {
    const { event, definition } = validateEvent(envelope);
    await this.#insert(tx, definition, event);
    return event;
  }

  async #insert(tx: Tx, def: EventDefinition, event: EventOf<EventDefinition>): Promise<void> {
    const key = eventKeyOf(def, event.payload as Record<string, unknown>);
    await this.#transactions.sql(tx).query(
      // One statement, one round trip: the NOTIFY rides along with the insert (as text: Prisma cannot read void).
      `WITH added AS (
           INSERT INTO outbox (event_id, topic, key, event_type, envelope) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)
           RETURNING 1)
         SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '')::text AS notified FROM added`,
      [event.id, topicOfEvent(def.type).name, key, def.type, JSON.stringify(event)],
    );
    this.#transactions.outboxAdded?.(tx);
  }
}
