import { type EventDefinition, type EventOf, type PayloadOf, topicOfEvent } from '@autoverify/contracts';
import { buildEvent, type EventMeta, eventKeyOf, validateEvent } from './events.ts';
import type { Transactions } from './sql.ts';

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
    await this.#transactions
      .sql(tx)
      .query(
        'INSERT INTO outbox (event_id, topic, key, event_type, envelope) VALUES ($1::uuid, $2, $3, $4, $5::jsonb)',
        [event.id, topicOfEvent(def.type).name, key, def.type, JSON.stringify(event)],
      );
    this.#transactions.outboxAdded?.(tx);
  }
}
