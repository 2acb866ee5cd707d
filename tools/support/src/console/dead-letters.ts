import { deadLetterTopic } from '@autoverify/contracts';
import {
  type DeadLetter,
  describeDeadLetter,
  redriveRecord,
  requireConsumer,
} from '../domain/dead-letters.ts';
import type { Caller } from '../domain/tokens.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { SupportContext } from '../service.ts';
import { audit, recordRedrive, redrivesFor, redrivesOf } from '../store.ts';

export interface DeadLetterView extends DeadLetter {
  redrives: { number: number; requestedBy: string; reason: string; createdAt: string }[];
}

const dlqTopic = (ctx: SupportContext, consumer: string) =>
  ctx.kafka.topicName(deadLetterTopic(requireConsumer(consumer)));

async function readDeadLetter(ctx: SupportContext, consumer: string, partition: number, offset: string) {
  const [message] = await ctx.kafka.readTopic(dlqTopic(ctx, consumer), {
    partition,
    fromOffset: offset,
    maxMessages: 1,
  });
  if (!message || message.offset !== offset)
    throw new NotFoundError(`no dead letter at ${consumer} partition ${partition} offset ${offset}`);
  return message;
}

export async function listDeadLetters(
  ctx: SupportContext,
  consumer: string,
  last = 100,
): Promise<DeadLetterView[]> {
  const messages = await ctx.kafka.readTopic(dlqTopic(ctx, consumer), { last });
  const redrives = await redrivesFor(ctx.db.client, consumer);
  return messages.map((m) => ({
    ...describeDeadLetter(consumer, m),
    redrives: redrives.filter((r) => r.partition === m.partition && r.offset === m.offset),
  }));
}

export async function showDeadLetter(
  ctx: SupportContext,
  consumer: string,
  partition: number,
  offset: string,
): Promise<DeadLetterView> {
  const message = await readDeadLetter(ctx, consumer, partition, offset);
  const redrives = await redrivesOf(ctx.db.client, consumer, partition, offset);
  return {
    ...describeDeadLetter(consumer, message),
    redrives: redrives.map((r) => ({
      number: r.number,
      requestedBy: r.requestedBy,
      reason: r.reason,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

/** Sends a dead letter back to its topic for its consumer; once, unless forced. */
export async function redrive(
  ctx: SupportContext,
  caller: Caller,
  address: { consumer: string; partition: number; offset: string },
  options: { reason: string; force: boolean },
) {
  const { consumer, partition, offset } = address;
  const message = await readDeadLetter(ctx, consumer, partition, offset);
  const record = redriveRecord(consumer, message, ctx.kafka.namespace);
  const letter = describeDeadLetter(consumer, message);
  return ctx.db.run(async (tx) => {
    const earlier = await redrivesOf(tx, consumer, partition, offset);
    if (earlier.length > 0 && !options.force) {
      const last = earlier[earlier.length - 1];
      throw new ConflictError(
        `this dead letter was already redriven by ${last?.requestedBy} at ${last?.createdAt.toISOString()}; to redrive it again, repeat with --force (API: "force": true)`,
      );
    }
    const row = await recordRedrive(tx, {
      consumer,
      partition,
      offset,
      number: earlier.length + 1,
      eventId: letter.eventId,
      eventType: letter.eventType,
      originalTopic: record.topic,
      requestedBy: caller.name,
      reason: options.reason,
    });
    await audit(tx, {
      actor: caller.name,
      action: 'dead-letter.redrive',
      target: `${consumer}/${partition}/${offset}`,
      reason: options.reason,
      detail: {
        eventId: letter.eventId,
        eventType: letter.eventType,
        number: row.number,
        force: options.force,
      },
    });
    await ctx.kafka.publishRaw([record]);
    return {
      consumer,
      partition,
      offset,
      number: row.number,
      topic: record.topic,
      eventId: letter.eventId,
      eventType: letter.eventType,
    };
  });
}
