import { randomUUID } from 'node:crypto';
import {
  ApplicationSubmitted,
  deadLetterTopic,
  InviteBlocked,
  InviteBlockedV2,
  InviteExpired,
  InviteSent,
  topics,
  VerificationRequested,
} from '@autoverify/contracts';
import { messageJson, waitFor } from '@autoverify/testing';
import { Kafka, logLevel } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEvent,
  causedBy,
  eventHeaders,
  handle,
  handleBatched,
  PermanentError,
  publishEvent,
  type RunningConsumer,
  startConsumer,
} from '../src/index.ts';
import { type Harness, startHarness } from './support.ts';

const SERVICE = 'svc';
const meta = (applicationId: string) => ({ tenantId: 'acme-homes', correlationId: applicationId });

describe('consumer: inbox, retries, dead letters', () => {
  let h: Harness;
  let consumer: RunningConsumer;
  let applicationsTopic: string;
  let dlq: string;
  const calls = new Map<string, number>();
  /** Items per call of the batched handler. */
  const batchSizes: number[] = [];
  /** Events the projection's handlers were called with (the transaction path); the statement path calls none. */
  let projectedByHandler = 0;
  let wakes = 0;

  /** An ApplicationSubmitted whose entrataApplicationId tells the test handler what to do. */
  const event = (behaviour: string, applicationId = randomUUID()) =>
    buildEvent(
      ApplicationSubmitted,
      { ...ApplicationSubmitted.example, applicationId, entrataApplicationId: behaviour },
      meta(applicationId),
    );
  const effects = async (eventId: string) =>
    (await h.pool.query('SELECT attempt FROM effects WHERE event_id = $1', [eventId])).rows.map(
      (r) => r.attempt as number,
    );
  const deadLetters = async (key: string) => (await h.kafka.readTopic(dlq)).filter((m) => m.key === key);

  beforeAll(async () => {
    h = await startHarness(
      [topics.applications, topics.invites, deadLetterTopic(SERVICE)],
      'CREATE TABLE effects (event_id uuid NOT NULL, attempt int NOT NULL);',
    );
    applicationsTopic = h.kafka.topicName(topics.applications);
    dlq = h.kafka.topicName(deadLetterTopic(SERVICE));
    consumer = await startConsumer<pg.PoolClient>({
      kafka: h.kafka,
      service: SERVICE,
      topics: ['applications', 'invites'],
      transactions: h.transactions,
      logger: h.logger,
      retry: { attempts: 3, initialMs: 10, maxMs: 40 },
      relay: { wake: () => wakes++ },
      handlers: [
        handle(ApplicationSubmitted, async (e, tx: pg.PoolClient, ctx) => {
          calls.set(e.id, (calls.get(e.id) ?? 0) + 1);
          const behaviour = e.payload.entrataApplicationId;
          if (behaviour === 'slow') await new Promise((resolve) => setTimeout(resolve, 500));
          // Written before failing: a failed attempt must leave nothing behind.
          await tx.query('INSERT INTO effects (event_id, attempt) VALUES ($1, $2)', [e.id, ctx.attempt]);
          const failFirst = /^fail-(\d+)$/.exec(behaviour);
          if (failFirst && ctx.attempt <= Number(failFirst[1]))
            throw new Error(`transient failure ${ctx.attempt}`);
          if (behaviour === 'always') throw new Error('still down');
          if (behaviour === 'permanent') throw new PermanentError('applicant data can never be processed');
          if (behaviour === 'emit') {
            await ctx.outbox.add(
              tx,
              InviteSent,
              { ...InviteSent.example, applicationId: e.payload.applicationId },
              causedBy(e),
            );
          }
        }),
        ...handleBatched([VerificationRequested, InviteExpired], async (items, tx: pg.PoolClient) => {
          batchSizes.push(items.length);
          await tx.query('INSERT INTO effects (event_id, attempt) SELECT unnest($1::uuid[]), 1', [
            items.map((item) => item.event.id),
          ]);
        }),
        // Its effect is recorded with attempt 0: written by the one statement, not a handler.
        ...handleBatched(
          [InviteBlocked, InviteBlockedV2],
          async (items) => {
            projectedByHandler += items.length;
          },
          {
            project: (events) => ({
              text: `INSERT INTO effects (event_id, attempt)
                     SELECT id, 0 FROM unnest($1::uuid[]) AS e(id) WHERE id IN (SELECT event_id FROM claimed)`,
              values: [events.map(({ event }) => event.id)],
            }),
          },
        ),
      ],
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    await h?.close();
  });

  it('processes an event once: the effect and the inbox row commit together', async () => {
    const e = event('ok');
    await publishEvent(h.kafka, e);
    await waitFor(async () => (await effects(e.id)).length === 1, {
      message: 'the effect',
    });
    const inbox = await h.pool.query('SELECT consumer, event_type FROM inbox WHERE event_id = $1', [e.id]);
    expect(inbox.rows).toEqual([{ consumer: SERVICE, event_type: 'ApplicationSubmitted' }]);
  });

  it('the same event delivered twice has one effect', async () => {
    const applicationId = randomUUID();
    const twice = event('ok', applicationId);
    const marker = event('ok', applicationId); // same key, same partition: processed after both copies
    await publishEvent(h.kafka, twice);
    await publishEvent(h.kafka, twice);
    await publishEvent(h.kafka, marker);
    await waitFor(async () => (await effects(marker.id)).length === 1, { message: 'the marker' });
    expect(await effects(twice.id)).toEqual([1]);
    expect(calls.get(twice.id)).toBe(1);
    expect(
      h.logger.entries.some((l) => l.eventId === twice.id && l.msg === 'event already processed: skipped'),
    ).toBe(true);
  });

  /** Events of one application in one produce request: they reach the consumer as one fetched batch. */
  const publishTogether = (
    events: readonly (Parameters<typeof eventHeaders>[0] & { payload: { applicationId: string } })[],
    topic = applicationsTopic,
  ) =>
    h.kafka.publishRaw(
      events.map((e) => ({
        topic,
        key: e.payload.applicationId,
        value: JSON.stringify(e),
        headers: eventHeaders(e),
      })),
    );
  /** The transaction ids that wrote these events' inbox rows. */
  const inboxTransactions = async (events: readonly { id: string }[]) =>
    (
      await h.pool.query('SELECT DISTINCT xmin::text AS xid FROM inbox WHERE event_id = ANY($1::uuid[])', [
        events.map((e) => e.id),
      ])
    ).rows.map((r) => r.xid as string);

  it("a partition's batch commits in one transaction, each event with its inbox row, a repeat within it skipped", async () => {
    const applicationId = randomUUID();
    const batch = [1, 2, 3, 4, 5].map(() => event('ok', applicationId));
    await publishTogether([...batch, batch[0] as ReturnType<typeof event>]);
    await waitFor(async () => (await effects((batch[4] as ReturnType<typeof event>).id)).length === 1, {
      message: 'the last effect',
    });
    for (const e of batch) {
      expect(await effects(e.id)).toEqual([1]);
      expect(calls.get(e.id)).toBe(1);
    }
    // Fetched together (one produce request), so fewer commits than events; usually exactly one.
    expect((await inboxTransactions(batch)).length).toBeLessThan(batch.length);
    await waitFor(async () => (await lag()) === 0, { message: 'all offsets committed' });
  });

  it('hands consecutive events of a batched handler (any of its types) over in one call, each once', async () => {
    const applicationId = randomUUID();
    const meta1 = meta(applicationId);
    const batch = [
      buildEvent(VerificationRequested, { ...VerificationRequested.example, applicationId }, meta1),
      buildEvent(InviteExpired, { ...InviteExpired.example, applicationId }, meta1),
      buildEvent(VerificationRequested, { ...VerificationRequested.example, applicationId }, meta1),
    ];
    await publishTogether([...batch, batch[0] as (typeof batch)[number]], h.kafka.topicName(topics.invites));
    const last = batch[2] as (typeof batch)[number];
    await waitFor(async () => (await effects(last.id)).length === 1, { message: 'the last effect' });
    for (const e of batch) expect(await effects(e.id)).toEqual([1]);
    // Fetched together (one produce request), so at least one call got several; usually all three at once.
    expect(batchSizes.reduce((sum, n) => sum + n, 0)).toBe(batch.length);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
  });

  it('claims and projects a run of events in one statement, a repeat skipped, the handlers not called', async () => {
    const applicationId = randomUUID();
    const meta1 = meta(applicationId);
    const v1 = () => buildEvent(InviteBlocked, { ...InviteBlocked.example, applicationId }, meta1);
    const run = [
      v1(),
      buildEvent(InviteBlockedV2, { ...InviteBlockedV2.example, applicationId }, meta1),
      v1(),
    ];
    await publishTogether([...run, run[0] as (typeof run)[number]], h.kafka.topicName(topics.invites));
    await waitFor(async () => (await effects((run[2] as (typeof run)[number]).id)).length === 1, {
      message: 'the last effect',
    });
    for (const e of run) expect(await effects(e.id)).toEqual([0]);
    expect(projectedByHandler).toBe(0);
    // One statement is one transaction: fewer than one per event (usually one for all three).
    expect((await inboxTransactions(run)).length).toBeLessThan(run.length);
    // Delivered again on its own: skipped by the same statement's claim.
    await publishEvent(h.kafka, run[1] as (typeof run)[number]);
    await waitFor(
      async () =>
        h.logger.entries.some(
          (l) => l.eventId === run[1]?.id && l.msg === 'event already processed: skipped',
        ),
      { message: 'the repeat skipped' },
    );
    expect(await effects((run[1] as (typeof run)[number]).id)).toEqual([0]);
  });

  it('a failing event in a batch: the others are handled again one at a time and take effect once, it is dead-lettered alone', async () => {
    const applicationId = randomUUID();
    const before = event('ok', applicationId);
    const bad = event('permanent', applicationId);
    const after = event('ok', applicationId);
    await publishTogether([before, bad, after]);
    await waitFor(async () => (await deadLetters(applicationId)).length === 1, {
      message: 'the dead letter',
    });
    await waitFor(async () => (await effects(after.id)).length === 1, { message: 'the last effect' });
    // The batch's transaction rolled back: nothing of it stayed, each good event has one effect.
    expect(await effects(before.id)).toEqual([1]);
    expect(await effects(after.id)).toEqual([1]);
    expect(await effects(bad.id)).toEqual([]);
    const [dead] = await deadLetters(applicationId);
    expect(dead?.headers['event-id']).toBe(bad.id);
    expect(dead?.headers['x-attempts']).toBe('1');
    expect(
      h.logger.entries.some((l) =>
        l.msg?.startsWith('batch transaction failed, handling its events one at a time'),
      ),
    ).toBe(true);
    await waitFor(async () => (await lag()) === 0, { message: 'all offsets committed' });
  });

  it('retries a transient failure with backoff, rolling back each failed attempt, then succeeds', async () => {
    const e = event('fail-2');
    await publishEvent(h.kafka, e);
    await waitFor(async () => (await effects(e.id)).length > 0, { message: 'the effect' });
    expect(await effects(e.id)).toEqual([3]);
    const retries = h.logger.entries.filter((l) => l.eventId === e.id && l.level === 'warn');
    expect(retries.map((l) => l.attempt)).toEqual([1, 2]);
    expect(retries.every((l) => typeof l.delayMs === 'number' && l.delayMs >= 5 && l.delayMs <= 40)).toBe(
      true,
    );
  });

  it('dead-letters after the last attempt, with the error, attempts and origin', async () => {
    const e = event('always');
    await publishEvent(h.kafka, e);
    const [dead] = await waitFor(
      async () => {
        const found = await deadLetters(e.payload.applicationId);
        return found.length > 0 && found;
      },
      { message: 'the dead letter' },
    );
    expect(calls.get(e.id)).toBe(3);
    expect(await effects(e.id)).toEqual([]);
    expect(dead?.headers).toMatchObject({
      'x-error': 'Error: still down',
      'x-attempts': '3',
      'x-original-topic': applicationsTopic,
      'x-consumer': SERVICE,
      'event-id': e.id,
      'event-type': 'ApplicationSubmitted',
    });
    expect(dead?.headers['x-original-partition']).toMatch(/^\d+$/);
    expect(dead?.headers['x-original-offset']).toMatch(/^\d+$/);
    expect(messageJson(dead?.value ?? null)).toEqual(e);
  });

  it('sends a PermanentError to the dead-letter topic at once', async () => {
    const e = event('permanent');
    await publishEvent(h.kafka, e);
    const [dead] = await waitFor(async () => {
      const found = await deadLetters(e.payload.applicationId);
      return found.length > 0 && found;
    });
    expect(calls.get(e.id)).toBe(1);
    expect(dead?.headers['x-attempts']).toBe('1');
    expect(dead?.headers['x-error']).toBe('PermanentError: applicant data can never be processed');
  });

  it('dead-letters poison messages (not JSON, or against the contract) with the problems, bytes unchanged', async () => {
    const key = randomUUID();
    const notJson = Buffer.from([0x7b, 0x22, 0xff, 0x00]);
    const invalid = JSON.stringify({
      ...event('ok', key),
      payload: { ...ApplicationSubmitted.example, applicationId: 'nope' },
    });
    await h.kafka.publishRaw([
      { topic: applicationsTopic, key, value: notJson },
      { topic: applicationsTopic, key, value: invalid, headers: { 'event-type': 'ApplicationSubmitted' } },
    ]);
    const dead = await waitFor(
      async () => {
        const found = await deadLetters(key);
        return found.length === 2 && found;
      },
      { message: 'two dead letters' },
    );
    expect(dead[0]?.value).toEqual(notJson);
    expect(dead[0]?.headers['x-error']).toMatch(/^invalid message: not JSON/);
    expect(dead[0]?.headers['x-attempts']).toBe('0');
    expect(dead[1]?.value?.toString()).toBe(invalid);
    expect(dead[1]?.headers['x-error']).toBe(
      'invalid event: /payload/applicationId must match format "uuid"',
    );
    expect(dead[1]?.headers['event-type']).toBe('ApplicationSubmitted');
  });

  it('events added by a handler join its transaction, point at their cause, and wake the relay', async () => {
    const e = event('emit');
    const wakesBefore = wakes;
    await publishEvent(h.kafka, e);
    const row = await waitFor(
      async () =>
        (
          await h.pool.query('SELECT topic, key, envelope FROM outbox WHERE key = $1', [
            e.payload.applicationId,
          ])
        ).rows[0],
    );
    expect(row.topic).toBe('invites');
    expect(row.envelope).toMatchObject({
      type: 'InviteSent',
      causationId: e.id,
      correlationId: e.correlationId,
      tenantId: e.tenantId,
    });
    expect(wakes).toBeGreaterThan(wakesBefore);
  });

  it('acknowledges event types it has no handler for', async () => {
    const invite = buildEvent(
      InviteSent,
      { ...InviteSent.example, applicationId: randomUUID() },
      meta(randomUUID()),
    );
    await publishEvent(h.kafka, invite);
    await waitFor(async () => (await lag()) === 0, { message: 'all offsets committed' });
    expect(await deadLetters(invite.payload.applicationId)).toEqual([]);
    expect((await h.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [invite.id])).rowCount).toBe(0);
  });

  it('skips a replay aimed at another consumer and acts on one aimed at itself', async () => {
    const applicationId = randomUUID();
    const elsewhere = event('ok', applicationId);
    const ours = event('ok', applicationId);
    const marker = event('ok', applicationId); // same partition: processed after the two replays
    await publishEvent(h.kafka, elsewhere, { headers: { 'x-replay-target': 'another-service' } });
    await publishEvent(h.kafka, ours, { headers: { 'x-replay-target': SERVICE } });
    await publishEvent(h.kafka, marker);
    await waitFor(async () => (await effects(marker.id)).length === 1, { message: 'the marker' });
    expect(await effects(ours.id)).toEqual([1]);
    expect(await effects(elsewhere.id)).toEqual([]);
    // Not even an inbox row: a later replay aimed at this consumer must still act.
    expect((await h.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [elsewhere.id])).rowCount).toBe(0);
  });

  it('stop() lets the in-flight message finish and commits its offset', async () => {
    const slow = event('slow');
    await publishEvent(h.kafka, slow);
    await waitFor(() => calls.get(slow.id) === 1, { message: 'the slow handler to start' });
    await consumer.stop();
    expect(await effects(slow.id)).toEqual([1]);
    expect(await lag()).toBe(0);
  });

  /** Messages not yet committed by the consumer group, over both topics. */
  async function lag(): Promise<number> {
    const admin = new Kafka({ brokers: h.testKafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      let behind = 0;
      for (const topic of [applicationsTopic, h.kafka.topicName(topics.invites)]) {
        const high = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: h.kafka.groupId(SERVICE), topics: [topic] });
        for (const p of high) {
          const done = committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1';
          behind += Number(p.high) - Math.max(Number(done), 0);
        }
      }
      return behind;
    } finally {
      await admin.disconnect();
    }
  }
});
