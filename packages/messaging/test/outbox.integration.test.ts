import { randomUUID } from 'node:crypto';
import { ApplicationSubmitted, topics } from '@autoverify/contracts';
import { messageJson, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addEventsIfChanged,
  OUTBOX_NOTIFY_CHANNEL,
  Outbox,
  type OutboxRelay,
  startOutboxRelay,
} from '../src/index.ts';
import { type Harness, startHarness } from './support.ts';

const meta = (applicationId: string) => ({ tenantId: 'acme-homes', correlationId: applicationId });
const submitted = (applicationId: string, seq: string) => ({
  ...ApplicationSubmitted.example,
  applicationId,
  entrataApplicationId: seq,
});

describe('transactional outbox + relay', () => {
  let h: Harness;
  let outbox: Outbox<import('pg').PoolClient>;
  let topic: string;
  const relays: OutboxRelay[] = [];

  const relay = async (options: Partial<Parameters<typeof startOutboxRelay>[0]> = {}) => {
    const r = await startOutboxRelay({
      kafka: h.kafka,
      pool: h.pool,
      logger: h.logger,
      pollMs: 50,
      ...options,
    });
    relays.push(r);
    return r;
  };
  const unpublished = async () =>
    Number((await h.pool.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0].n);
  const published = async () => h.kafka.readTopic(topic);

  beforeAll(async () => {
    h = await startHarness([topics.applications]);
    outbox = new Outbox(h.transactions);
    topic = h.kafka.topicName(topics.applications);
  });

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await h?.close();
  });

  // Tests run in order and share one topic; each works on its own application ids and checks only those.
  const ofApplications = async (ids: string[]) =>
    (await published()).filter((m) => ids.includes(m.key ?? ''));

  it('never publishes events of a rolled-back transaction', async () => {
    const r = await relay();
    const kept = randomUUID();
    const rolledBack = randomUUID();
    await expect(
      h.transactions.run(async (tx) => {
        await outbox.add(tx, ApplicationSubmitted, submitted(rolledBack, 'rb-1'), meta(rolledBack));
        throw new Error('business rule failed after the event was written');
      }),
    ).rejects.toThrow(/business rule/);
    await h.transactions.run((tx) =>
      outbox.add(tx, ApplicationSubmitted, submitted(kept, 'kept-1'), meta(kept)),
    );
    r.wake();
    await waitFor(async () => (await ofApplications([kept])).length === 1, {
      message: 'the committed event',
    });
    expect(await ofApplications([rolledBack])).toEqual([]);
    expect(
      (await h.pool.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [rolledBack])).rows[0].n,
    ).toBe(0);
    await r.stop();
  });

  it('refuses an invalid event: nothing is written', async () => {
    const id = randomUUID();
    await expect(
      h.transactions.run((tx) =>
        outbox.add(tx, ApplicationSubmitted, { ...submitted(id, 'x'), applicants: [] }, meta(id)),
      ),
    ).rejects.toThrow(/invalid event ApplicationSubmitted\.v1: \/payload\/applicants/);
    expect((await h.pool.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [id])).rows[0].n).toBe(
      0,
    );
  });

  it('addMany writes all its events with one statement, published in the given order', async () => {
    const r = await relay();
    const id = randomUUID();
    const seqs = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4'];
    const statements: string[] = [];
    const counting = {
      ...h.transactions,
      sql: (tx?: import('pg').PoolClient) => {
        const sql = h.transactions.sql(tx);
        return {
          query: ((text: string, params?: unknown[]) => {
            statements.push(text);
            return sql.query(text, params);
          }) as typeof sql.query,
        };
      },
    };
    const events = await h.transactions.run((tx) =>
      new Outbox(counting).addMany(
        tx,
        ApplicationSubmitted,
        seqs.map((seq) => submitted(id, seq)),
        meta(id),
      ),
    );
    expect(statements).toHaveLength(1);
    r.wake();
    const messages = await waitFor(async () => {
      const found = await ofApplications([id]);
      return found.length === seqs.length && found;
    });
    expect(messages.map((m) => (messageJson(m.value) as { id: string }).id)).toEqual(events.map((e) => e.id));
    await r.stop();
  });

  it('addMany with one invalid payload writes none of them', async () => {
    const id = randomUUID();
    await expect(
      h.transactions.run((tx) =>
        outbox.addMany(
          tx,
          ApplicationSubmitted,
          [submitted(id, 'ok'), { ...submitted(id, 'bad'), applicants: [] }],
          meta(id),
        ),
      ),
    ).rejects.toThrow(/invalid event ApplicationSubmitted\.v1/);
    expect((await h.pool.query('SELECT count(*)::int AS n FROM outbox WHERE key = $1', [id])).rows[0].n).toBe(
      0,
    );
  });

  it('addEach writes events with metadata of their own, in order, with one statement', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const cause = randomUUID();
    const events = await h.transactions.run((tx) =>
      outbox.addEach(tx, ApplicationSubmitted, [
        { payload: submitted(first, 'each-0'), meta: meta(first) },
        { payload: submitted(second, 'each-1'), meta: { ...meta(second), causationId: cause } },
      ]),
    );
    const { rows } = await h.pool.query<{ key: string; envelope: Record<string, unknown> }>(
      'SELECT key, envelope FROM outbox WHERE key = ANY($1) ORDER BY id',
      [[first, second]],
    );
    expect(
      rows.map((row) => [row.key, row.envelope.id, row.envelope.correlationId, row.envelope.causationId]),
    ).toEqual([
      [first, events[0]?.id, first, undefined],
      [second, events[1]?.id, second, cause],
    ]);
  });

  it('addEventsIfChanged: one statement adds the events (and NOTIFYs) only when the change returned a row', async () => {
    await h.pool.query('CREATE TABLE IF NOT EXISTS flags (id uuid PRIMARY KEY, done boolean NOT NULL)');
    const id = randomUUID();
    await h.pool.query('INSERT INTO flags (id, done) VALUES ($1, false)', [id]);
    const sql = {
      query: async (text: string, values?: unknown[]) => (await h.pool.query(text, values)).rows,
    };
    const listener = await h.pool.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
    try {
      const markDone = {
        text: 'UPDATE flags SET done = true WHERE id = $1 AND NOT done RETURNING 1',
        values: [id],
      };
      const add = () =>
        addEventsIfChanged(sql, markDone, ApplicationSubmitted, [submitted(id, 'once')], meta(id));
      expect(await add()).toBe(true);
      expect(await add()).toBe(false);
      const rows = await h.pool.query('SELECT key, event_type FROM outbox WHERE key = $1', [id]);
      expect(rows.rows).toEqual([{ key: id, event_type: 'ApplicationSubmitted' }]);
      // No origin: this process's relay is woken by its LISTEN like any other's.
      await waitFor(async () => notified.length > 0, { message: 'the NOTIFY' });
      expect(notified).toEqual(['']);
    } finally {
      await listener.query(`UNLISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      listener.release();
    }
  });

  it('publishes with key, headers and the exact envelope; marks rows published', async () => {
    const r = await relay();
    const id = randomUUID();
    const event = await h.transactions.run((tx) =>
      outbox.add(tx, ApplicationSubmitted, submitted(id, 'h-1'), meta(id)),
    );
    r.wake();
    const [message] = await waitFor(async () => {
      const found = await ofApplications([id]);
      return found.length === 1 && found;
    });
    expect(message?.key).toBe(id);
    expect(message?.headers).toMatchObject({
      'event-type': 'ApplicationSubmitted',
      'event-version': '1',
      'event-id': event.id,
    });
    expect(messageJson(message?.value ?? null)).toEqual(event);
    await waitFor(
      async () =>
        (await h.pool.query('SELECT published_at FROM outbox WHERE event_id = $1', [event.id])).rows[0]
          .published_at,
    );
    await r.stop();
  });

  it('a relay that crashes after publishing but before marking loses nothing: the next one republishes', async () => {
    const crashing = await relay({
      beforeMark: () => {
        throw new Error('simulated crash between publish and mark');
      },
    });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await h.transactions.run(async (tx) => {
      for (const id of ids) await outbox.add(tx, ApplicationSubmitted, submitted(id, 'crash'), meta(id));
    });
    crashing.wake();
    // The batch reached Kafka but the marking transaction rolled back.
    await waitFor(async () => (await ofApplications(ids)).length >= 3, {
      message: 'the first, unmarked publication',
    });
    await crashing.stop();
    expect(await unpublished()).toBe(3);

    const recovered = await relay();
    recovered.wake();
    await waitFor(async () => (await unpublished()) === 0, { message: 'the outbox to drain' });
    const messages = await ofApplications(ids);
    // At least once: every event is there, possibly more than once (consumers de-duplicate on the id).
    expect(new Set(messages.map((m) => (messageJson(m.value) as { id: string }).id)).size).toBe(3);
    expect(messages.length).toBeGreaterThanOrEqual(6);
    expect(
      h.logger.entries.some((e) => e.level === 'error' && String(e.msg).includes('simulated crash')),
    ).toBe(true);
    await recovered.stop();
  });

  it('keeps per-key order across many events, concurrent writers and two relays racing', async () => {
    // Per-key order means: events of one transaction in their order, and events of a transaction that
    // started after another committed come after that one's. Each writer owns one application and
    // commits its transactions one after the other; the writers run concurrently, so outbox ids of
    // different writers interleave and commit out of id order, which the relay must cope with.
    const apps = Array.from({ length: 5 }, () => randomUUID());
    const [a, b] = [await relay({ batchSize: 7 }), await relay({ batchSize: 7 })];
    await Promise.all(
      apps.map(async (app) => {
        for (let t = 0; t < 10; t++) {
          await h.transactions.run(async (tx) => {
            for (let i = 0; i < 4; i++)
              await outbox.add(tx, ApplicationSubmitted, submitted(app, `${t}-${i}`), meta(app));
          });
          (t % 2 ? a : b).wake();
        }
      }),
    );
    await waitFor(async () => (await unpublished()) === 0, {
      message: 'the outbox to drain',
    });
    const messages = await ofApplications(apps);
    expect(messages.length).toBe(200);
    const expected = Array.from({ length: 10 }, (_, t) =>
      Array.from({ length: 4 }, (_, i) => `${t}-${i}`),
    ).flat();
    for (const app of apps) {
      const ofApp = messages.filter((m) => m.key === app);
      expect(
        ofApp.map(
          (m) =>
            (messageJson(m.value) as { payload: { entrataApplicationId: string } }).payload
              .entrataApplicationId,
        ),
      ).toEqual(expected);
      expect(new Set(ofApp.map((m) => m.partition)).size).toBe(1);
    }
    await Promise.all([a.stop(), b.stop()]);
  });

  it('stop() publishes what was committed just before (final flush)', async () => {
    const r = await relay({ pollMs: 60_000 });
    // Let the first loop iteration pass, so only the final flush can publish the event.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const id = randomUUID();
    await h.transactions.run((tx) => outbox.add(tx, ApplicationSubmitted, submitted(id, 'final'), meta(id)));
    await r.stop();
    expect(await unpublished()).toBe(0);
    expect(await ofApplications([id])).toHaveLength(1);
  });

  it('purges published rows older than the retention, never unpublished ones', async () => {
    const oldPublished = randomUUID();
    const oldUnpublished = randomUUID();
    await h.transactions.run(async (tx) => {
      await outbox.add(tx, ApplicationSubmitted, submitted(oldPublished, 'old'), meta(oldPublished));
    });
    const r = await relay();
    r.wake();
    await waitFor(async () => (await unpublished()) === 0);
    await r.stop();
    await h.pool.query("UPDATE outbox SET published_at = now() - interval '8 days' WHERE key = $1", [
      oldPublished,
    ]);
    await h.transactions.run((tx) =>
      outbox.add(tx, ApplicationSubmitted, submitted(oldUnpublished, 'old'), meta(oldUnpublished)),
    );
    await h.pool.query("UPDATE outbox SET created_at = now() - interval '30 days' WHERE key = $1", [
      oldUnpublished,
    ]);
    const purging = await relay({ retentionMs: 7 * 24 * 3600 * 1000 });
    await waitFor(
      async () => (await h.pool.query('SELECT 1 FROM outbox WHERE key = $1', [oldPublished])).rowCount === 0,
      { message: 'the purge' },
    );
    await waitFor(async () => (await unpublished()) === 0);
    expect((await h.pool.query('SELECT 1 FROM outbox WHERE key = $1', [oldUnpublished])).rowCount).toBe(1);
    await purging.stop();
  });
});
