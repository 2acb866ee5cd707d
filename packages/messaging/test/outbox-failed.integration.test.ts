/**
 * An outbox row the broker refuses (larger than its max.message.bytes, ~1 MB by default) must not stop the
 * outbox: it is set aside after a few attempts, the rest flows, later rows of its key wait, and support can
 * list, requeue or discard it. Against the real broker.
 */
import { randomUUID } from 'node:crypto';
import { topics } from '@autoverify/contracts';
import { messageJson, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discardFailedOutbox,
  listFailedOutbox,
  MAX_PUBLISH_ATTEMPTS,
  type OutboxRelay,
  requeueFailedOutbox,
  startOutboxRelay,
} from '../src/index.ts';
import { type Harness, startHarness } from './support.ts';

/** Above the broker's default max.message.bytes (1,048,588). */
const TOO_LARGE = 1_200_000;

describe('outbox rows the broker refuses', () => {
  let h: Harness;
  let relay: OutboxRelay;
  let topic: string;

  beforeAll(async () => {
    h = await startHarness([topics.applications]);
    topic = h.kafka.topicName(topics.applications);
    relay = await startOutboxRelay({
      kafka: h.kafka,
      pool: h.pool,
      logger: h.logger,
      pollMs: 50,
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await h?.close();
  });

  /** Written as the Outbox would (the relay publishes the stored envelope as it is). */
  const insert = async (key: string, label: string, padding = 0) => {
    const id = randomUUID();
    const envelope = {
      id,
      type: 'ApplicationSubmitted',
      version: 1,
      payload: { label, pad: 'x'.repeat(padding) },
    };
    await h.pool.query(
      'INSERT INTO outbox (event_id, topic, key, event_type, envelope) VALUES ($1, $2, $3, $4, $5)',
      [id, topics.applications.name, key, 'ApplicationSubmitted', JSON.stringify(envelope)],
    );
    return id;
  };
  /**
   * The labels of a key's events in the order first seen. At least once: the batch the broker refused may
   * have reached other partitions before the row-by-row retry sent them again (consumers de-duplicate).
   */
  const labelsOf = async (key: string) => [
    ...new Set(
      (await h.kafka.readTopic(topic))
        .filter((m) => m.key === key)
        .map((m) => (messageJson(m.value) as { payload: { label: string } }).payload.label),
    ),
  ];
  const unpublished = async (key: string) =>
    (
      await h.pool.query('SELECT event_id FROM outbox WHERE key = $1 AND published_at IS NULL', [key])
    ).rows.map((r) => r.event_id as string);

  it('sets the row aside, keeps every other key flowing and holds the later rows of its key', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await insert(a, 'a1');
    const huge = await insert(b, 'b1', TOO_LARGE);
    const heldId = await insert(b, 'b2');
    await insert(c, 'c1');
    await insert(a, 'a2');
    relay.wake();

    const [failed] = await waitFor(
      async () => {
        const rows = await listFailedOutbox(h.transactions.sql());
        return rows.length === 1 && rows;
      },
      { message: 'the oversized row set aside' },
    );
    expect(failed).toMatchObject({ eventId: huge, key: b, attempts: MAX_PUBLISH_ATTEMPTS, held: 1 });
    expect(failed?.error).toMatch(/larger than the max message size/);
    await waitFor(async () => (await unpublished(a)).length === 0 && (await unpublished(c)).length === 0, {
      message: 'the other keys published',
    });
    expect(await labelsOf(a)).toEqual(['a1', 'a2']);
    expect(await labelsOf(c)).toEqual(['c1']);
    // b2 must not overtake b1: it waits in the outbox, unpublished.
    expect(await unpublished(b)).toEqual([heldId]);
    expect(await labelsOf(b)).toEqual([]);
    expect(h.logger.entries.some((e) => e.level === 'error' && String(e.msg).includes('set aside'))).toBe(
      true,
    );

    // The relay (and its producer) keeps working for rows written afterwards.
    const d = randomUUID();
    await insert(d, 'd1');
    relay.wake();
    await waitFor(async () => (await labelsOf(d)).length === 1, { message: 'a later row published' });
  });

  it('publishes a requeued row before the rows held behind it', async () => {
    const [failed] = await listFailedOutbox(h.transactions.sql());
    if (!failed) throw new Error('expected the row set aside by the previous test');
    // What support does once the cause is fixed (here: the event made small enough for the broker).
    await h.pool.query(
      `UPDATE outbox_failed SET envelope = jsonb_set(envelope, '{payload,pad}', '""') WHERE id = $1`,
      [failed.id],
    );
    await h.transactions.run((tx) => requeueFailedOutbox(h.transactions.sql(tx), failed.id));
    relay.wake();
    await waitFor(async () => (await labelsOf(failed.key)).length === 2, { message: 'b1 and b2 published' });
    expect(await labelsOf(failed.key)).toEqual(['b1', 'b2']);
    expect(await listFailedOutbox(h.transactions.sql())).toEqual([]);
  });

  it('releases the held rows when the set-aside row is discarded', async () => {
    const key = randomUUID();
    await insert(key, 'k1', TOO_LARGE);
    await insert(key, 'k2');
    relay.wake();
    const [failed] = await waitFor(
      async () => {
        const rows = await listFailedOutbox(h.transactions.sql());
        return rows.length === 1 && rows;
      },
      { message: 'the oversized row set aside' },
    );
    expect(await discardFailedOutbox(h.transactions.sql(), failed?.id ?? '')).toBe(true);
    relay.wake();
    await waitFor(async () => (await labelsOf(key)).length === 1, { message: 'k2 published' });
    expect(await labelsOf(key)).toEqual(['k2']);
    expect(await unpublished(key)).toEqual([]);
  });
});
