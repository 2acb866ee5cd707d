import { type EventDefinition, type EventOf, type PayloadOf, topicOfEvent } from '@autoverify/contracts';
import { buildEvent, type EventMeta, eventKeyOf, validateEvent } from './events.ts';
import type { Sql, Transactions } from './sql.ts';

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
    return this.addEach(
      tx,
      def,
      payloads.map((payload) => ({ payload, meta })),
    );
  }

  /**
   * addMany for events with metadata of their own (say, each caused by another event of a batch handler's):
   * one statement, in order, nothing written when any payload is invalid.
   */
  async addEach<D extends EventDefinition>(
    tx: Tx,
    def: D,
    items: readonly { payload: PayloadOf<D>; meta: EventMeta }[],
  ): Promise<EventOf<D>[]> {
    const events = items.map(({ payload, meta }) => buildEvent(def, payload, meta));
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
      // Prisma cannot read void).
      `WITH ${outboxInsert(1, '')}
       SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', $6)::text AS notified WHERE EXISTS (SELECT 1 FROM added)`,
      [...outboxValues(def, events), this.#transactions.notifyOrigin ?? ''],
    );
    this.#transactions.outboxAdded?.(tx);
  }
}

/**
 * ONE statement outside any transaction, atomic by itself (a data-modifying WITH): `change`, a data-modifying
 * statement with RETURNING, and, only if it returned a row, the events in the outbox. It saves a
 * transaction's BEGIN and COMMIT round trips where the change is one statement. The NOTIFY carries no
 * origin, so this process's relay is woken through its LISTEN, as another process's would be. Returns whether
 * the change returned a row (false: nothing was added).
 */
export async function addEventsIfChanged<D extends EventDefinition>(
  sql: Sql,
  change: SqlText,
  def: D,
  payloads: readonly PayloadOf<D>[],
  meta: EventMeta,
): Promise<boolean> {
  const events = payloads.map((payload) => buildEvent(def, payload, meta));
  const first = change.values.length + 1;
  const [row] = await sql.query<{ changed: boolean }>(
    `WITH changed AS (${change.text}),
     ${outboxInsert(first, 'WHERE EXISTS (SELECT 1 FROM changed)')}
     SELECT EXISTS (SELECT 1 FROM changed) AS changed,
            (SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', $${first + 5})::text
              WHERE EXISTS (SELECT 1 FROM added)) AS notified`,
    [...change.values, ...outboxValues(def, events), ''],
  );
  return row?.changed === true;
}

/** A statement's text with $1..$n placeholders and their values. */
export interface SqlText {
  text: string;
  values: unknown[];
}

/**
 * The `added` CTE that inserts events into the outbox, its five values numbered from `first` (outboxValues).
 * ORDER BY keeps the ids (the relay's publishing order) in the given order.
 */
const outboxInsert = (first: number, where: string) => `added AS (
    INSERT INTO outbox (event_id, topic, key, event_type, envelope)
    SELECT e.event_id, $${first}, e.key, $${first + 1}, e.envelope::jsonb
      FROM unnest($${first + 2}::uuid[], $${first + 3}::text[], $${first + 4}::text[])
           WITH ORDINALITY AS e(event_id, key, envelope, n)
     ${where}
     ORDER BY e.n
    RETURNING 1)`;

const outboxValues = (def: EventDefinition, events: readonly EventOf<EventDefinition>[]) => [
  topicOfEvent(def.type).name,
  def.type,
  events.map((e) => e.id),
  events.map((e) => eventKeyOf(def, e.payload as Record<string, unknown>)),
  events.map((e) => JSON.stringify(e)),
];
