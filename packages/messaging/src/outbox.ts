import { type EventDefinition, type EventOf, type PayloadOf, topicOfEvent } from '@autoverify/contracts';
import { buildEvent, type EventMeta, eventKeyOf, validateEvent } from './events.ts';
import type { Transactions } from './sql.ts';

/**
 * Every outbox insert NOTIFYs this channel; PostgreSQL delivers it at commit (never for a rollback, once per
 * transaction however many events it added). A relay in another process (another replica, a row the
 * support console requeued) LISTENs and publishes at once instead of at its next poll. The payload is the
 * transactions' `notifyOrigin` (empty without one), so a relay can tell its own process's commits apart.
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
    const [event] = await this.addMany(tx, def, [payload], meta);
    return event as EventOf<D>;
  }

  /**
   * Builds (and validates) one event per payload and inserts them all with one statement within tx, in
   * order: a handler that announces many things pays one round trip, not one per event. Nothing is written
   * when any payload is invalid.
   */
  async addMany<D extends EventDefinition>(
    tx: Tx,
    def: D,
    payloads: readonly PayloadOf<D>[],
    meta: EventMeta,
  ): Promise<EventOf<D>[]> {
    const events = payloads.map((payload) => buildEvent(def, payload, meta));
    await this.#insert(tx, def, events);
    return events;
  }

  /** Inserts an existing envelope (e.g. a replay that keeps the original one), validated first. */
  async addEvent(tx: Tx, envelope: unknown): Promise<EventOf<EventDefinition>> {
    const { event, definition } = validateEvent(envelope);
    await this.#insert(tx, definition, [event]);
    return event;
  }

  async #insert(tx: Tx, def: EventDefinition, events: EventOf<EventDefinition>[]): Promise<void> {
    if (events.length === 0) return;
    await this.#transactions.sql(tx).query(
      // One statement, one round trip, however many events: the NOTIFY rides along with the insert (as text:
      // Prisma cannot read void). ORDER BY keeps the ids (the relay's publishing order) in the given order.
      `WITH added AS (
           INSERT INTO outbox (event_id, topic, key, event_type, envelope)
           SELECT e.event_id, $1, e.key, $2, e.envelope::jsonb
             FROM unnest($3::uuid[], $4::text[], $5::text[]) WITH ORDINALITY AS e(event_id, key, envelope, n)
            ORDER BY e.n
           RETURNING 1)
         SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', $6)::text AS notified WHERE EXISTS (SELECT 1 FROM added)`,
      [
        topicOfEvent(def.type).name,
        def.type,
        events.map((e) => e.id),
        events.map((e) => eventKeyOf(def, e.payload as Record<string, unknown>)),
        events.map((e) => JSON.stringify(e)),
        this.#transactions.notifyOrigin ?? '',
      ],
    );
    this.#transactions.outboxAdded?.(tx);
  }
}
