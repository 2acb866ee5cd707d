import { ApplicationSubmitted } from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import {
  messagingTablesSql,
  OUTBOX_NOTIFY_CHANNEL,
  Outbox,
  pgTransactions,
  wakeRelayAfterCommit,
} from '@autoverify/messaging';
import { createTestDatabase, waitFor } from '@autoverify/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listen } from '../src/listen.ts';

const logger = createLogger({ service: 'listen-test', level: 'silent' });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let listener: Listener;
let notified = 0;
const payloads: (string | undefined)[] = [];

beforeAll(async () => {
  db = await createTestDatabase('service_kit_listen');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  await pool.query(messagingTablesSql);
  listener = await listen({
    connectionString: db.url,
    channel: OUTBOX_NOTIFY_CHANNEL,
    onNotify: (payload) => {
      notified++;
      payloads.push(payload);
    },
    logger,
  });
});

afterAll(async () => {
  await listener?.stop();
  await pool?.end();
  await db?.drop();
});

const transactions = () => pgTransactions(pool);
const submitted = () => ({ ...ApplicationSubmitted.example, applicationId: crypto.randomUUID() });

async function addEvent(
  outcome: 'commit' | 'rollback',
  tx: ReturnType<typeof transactions> = transactions(),
) {
  const outbox = new Outbox(tx);
  const rolledBack = new Error('rolled back');
  await tx
    .run(async (client) => {
      await outbox.add(client, ApplicationSubmitted, submitted(), {
        tenantId: 'demo-pm',
        correlationId: 'c',
      });
      if (outcome === 'rollback') throw rolledBack;
    })
    .catch((error) => {
      if (error !== rolledBack) throw error;
    });
}

describe('listen (outbox NOTIFY)', () => {
  it('is told once on start, then on every committed outbox insert, never for a rolled-back one', async () => {
    expect(notified).toBe(1);
    await addEvent('rollback');
    await addEvent('commit');
    await waitFor(() => notified === 2);
    // A NOTIFY after the rolled-back one would have arrived before the committed one's: none did.
    await addEvent('commit');
    await waitFor(() => notified === 3);
  });

  it("hands over the NOTIFY's payload: the origin of the transactions that committed, none on a (re)connect", async () => {
    const woken = wakeRelayAfterCommit(transactions(), { wake: () => {} });
    const before = payloads.length;
    await addEvent('commit', woken);
    await waitFor(() => payloads.length === before + 1);
    expect(payloads.at(-1)).toBe(woken.notifyOrigin);
    expect(payloads[0]).toBeUndefined();
  });

  it('reconnects after its connection is killed, and tells the caller (what was notified meanwhile is lost)', async () => {
    const before = notified;
    await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
      `listen ${OUTBOX_NOTIFY_CHANNEL}`,
    ]);
    await waitFor(() => notified === before + 1);
    await addEvent('commit');
    await waitFor(() => notified === before + 2);
  });
});
