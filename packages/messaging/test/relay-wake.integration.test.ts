import { randomUUID } from 'node:crypto';
import { ApplicationSubmitted, topics } from '@autoverify/contracts';
import { waitFor } from '@autoverify/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isOwnNotify,
  OUTBOX_NOTIFY_CHANNEL,
  Outbox,
  type OutboxRelay,
  type PgPoolLike,
  startOutboxRelay,
  type Transactions,
  wakeRelayAfterCommit,
} from '../src/index.ts';
import { type Harness, startHarness } from './support.ts';

/** Commits one event through `via` (whose commit wakes its relay). */
const addEvent = (via: Transactions<pg.PoolClient>) => {
  const applicationId = randomUUID();
  return via.run((tx) =>
    new Outbox(via).add(
      tx,
      ApplicationSubmitted,
      { ...ApplicationSubmitted.example, applicationId },
      { tenantId: 'acme-homes', correlationId: applicationId },
    ),
  );
};
const unpublishedIn = async (h: Harness) =>
  Number((await h.pool.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0].n);

/**
 * The wiring of service-kit's event service: the relay woken after this process's commits and by NOTIFY,
 * skipping the NOTIFYs of its own commits. Before, both woke it and every commit cost a second, empty relay
 * transaction (20 commits: 38 relay transactions).
 */
describe('relay wake-ups: one relay transaction per commit', () => {
  let h: Harness;
  let relay: OutboxRelay;
  let listener: pg.Client;
  let relayTransactions = 0;
  let transactions: Transactions<pg.PoolClient>;

  beforeAll(async () => {
    h = await startHarness([topics.applications]);
    // Each relay transaction checks a connection out; the purge does not (pool.query).
    const counted: PgPoolLike = {
      connect: () => {
        relayTransactions++;
        return h.pool.connect();
      },
      query: (text, params) => h.pool.query(text, params),
    };
    // The safety poll far away: every relay transaction below was a wake-up.
    relay = await startOutboxRelay({
      kafka: h.kafka,
      pool: counted,
      logger: h.logger,
      pollMs: 600_000,
    });
    transactions = wakeRelayAfterCommit(h.transactions, relay);
    listener = new pg.Client({ connectionString: h.database.url });
    await listener.connect();
    listener.on('notification', (message) => {
      if (!isOwnNotify(transactions, message.payload)) relay.wake();
    });
    await listener.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
  });

  afterAll(async () => {
    await relay?.stop();
    await listener?.end();
    await h?.close();
  });

  const unpublished = () => unpublishedIn(h);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it("publishes this process's commits with one relay transaction each", async () => {
    await settle();
    relayTransactions = 0;
    for (let i = 0; i < 10; i++) {
      await addEvent(transactions);
      await waitFor(async () => (await unpublished()) === 0, { message: `event ${i} published` });
      await settle();
    }
    expect(relayTransactions).toBe(10);
  });

  it("is still woken by another process's commit (its NOTIFY)", async () => {
    relayTransactions = 0;
    // Another process: its own wrapper (another origin), whose direct wake reaches another relay.
    await addEvent(wakeRelayAfterCommit(h.transactions, { wake: () => {} }));
    await waitFor(async () => (await unpublished()) === 0, { message: 'published after the NOTIFY' });
    await settle();
    expect(relayTransactions).toBe(1);
  });
});

describe('relay linger: commits that follow a wake share one batch', () => {
  let h: Harness;
  let relay: OutboxRelay;
  let relayTransactions = 0;
  let transactions: Transactions<pg.PoolClient>;

  beforeAll(async () => {
    h = await startHarness([topics.applications]);
    relay = await startOutboxRelay({
      kafka: h.kafka,
      pool: {
        connect: () => {
          relayTransactions++;
          return h.pool.connect();
        },
        query: (text, params) => h.pool.query(text, params),
      },
      logger: h.logger,
      pollMs: 600_000,
      // Long enough for three commits on a loaded CI machine.
      lingerMs: 2000,
    });
    transactions = wakeRelayAfterCommit(h.transactions, relay);
  });

  afterAll(async () => {
    await relay?.stop();
    await h?.close();
  });

  it('publishes three commits made within the linger with one relay transaction', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    relayTransactions = 0;
    for (let i = 0; i < 3; i++) await addEvent(transactions);
    expect(relayTransactions).toBe(0);
    await waitFor(async () => (await unpublishedIn(h)) === 0, { message: 'published after the linger' });
    expect(relayTransactions).toBe(1);
  });
});
