import { randomUUID } from 'node:crypto';
import { deadLetterTopic, topicOfEvent } from '@autoverify/contracts';
import type { KafkaClient } from '@autoverify/messaging';
import type { PrismaClient } from './db.ts';
import type { ApplicationRef } from './domain/application-ref.ts';
import {
  type DeadLetter,
  describeDeadLetter,
  NotRedrivableError,
  redriveRecord,
  requireConsumer,
} from './domain/dead-letters.ts';
import { maskPersonalData } from './domain/masking.ts';
import {
  MAX_REPLAY_EVENTS,
  ReplayRequestError,
  type ReplayScope,
  replayRecord,
  validateReplayRequest,
} from './domain/replay.ts';
import type { Caller } from './domain/tokens.ts';
import { callAdmin, type RerunResult, type ServiceEndpoint } from './reruns.ts';
import {
  audit,
  envelopesIn,
  type ReplayRecord,
  recordReplay,
  redrivesFor,
  redrivesOf,
  type TimelineEntry,
  timelineOf,
} from './store.ts';

type Db = InstanceType<typeof PrismaClient>;

export interface SupportConsoleDeps {
  db: Db;
  kafka: KafkaClient;
  reportSync: ServiceEndpoint;
  invite: ServiceEndpoint;
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export interface ReplayRequest {
  scope: ReplayScope;
  target?: string;
  dryRun: boolean;
  reason: string;
}

export interface ReplayOutcome extends ReplayRecord {
  events: { eventId: string; type: string; occurredAt: string; topic: string; applicationId: string }[];
}

export interface DeadLetterView extends DeadLetter {
  redrives: { number: number; requestedBy: string; reason: string; createdAt: string }[];
}

// Publishing a large replay takes a while; the record of it commits with the publishing.
const REPLAY_TX = { timeout: 120_000, maxWait: 10_000 };

/** The support use cases; authorisation is checked by the caller (the admin API), auditing here. */
export function supportConsole({ db, kafka, reportSync, invite }: SupportConsoleDeps) {
  const dlqTopic = (consumer: string) => kafka.topicName(deadLetterTopic(requireConsumer(consumer)));

  const readDeadLetter = async (consumer: string, partition: number, offset: string) => {
    const [message] = await kafka.readTopic(dlqTopic(consumer), {
      partition,
      fromOffset: offset,
      maxMessages: 1,
    });
    if (!message || message.offset !== offset)
      throw new NotFoundError(`no dead letter at ${consumer} partition ${partition} offset ${offset}`);
    return message;
  };

  return {
    /** Every event of one application, oldest first; unmasked only when asked (the caller checked pii:read). */
    async timeline(caller: Caller, ref: ApplicationRef, unmask: boolean): Promise<TimelineEntry[]> {
      const entries = await timelineOf(db, ref.applicationId);
      if (!unmask) return entries.map((e) => ({ ...e, payload: maskPersonalData(e.payload) }));
      await audit(db, {
        actor: caller.name,
        action: 'timeline.unmask',
        target: `application:${ref.applicationId}`,
        detail: { events: entries.length },
      });
      return entries;
    },

    async replay(caller: Caller, request: ReplayRequest): Promise<ReplayOutcome> {
      validateReplayRequest(request.scope, request.target);
      const envelopes = await envelopesIn(db, request.scope, MAX_REPLAY_EVENTS);
      if (envelopes.length > MAX_REPLAY_EVENTS)
        throw new ReplayRequestError(`more than ${MAX_REPLAY_EVENTS} events in scope; narrow the time range`);
      const replayId = randomUUID();
      const records = envelopes.map((e) =>
        replayRecord(e, { replayId, requestedBy: caller.name }, request.target, kafka.topicName),
      );
      const base = {
        id: replayId,
        requestedBy: caller.name,
        reason: request.reason,
        scope: request.scope,
        target: request.target ?? null,
        dryRun: request.dryRun,
        eventCount: envelopes.length,
        eventIds: envelopes.map((e) => e.id),
      };
      const recorded = await db.$transaction(async (tx) => {
        const row = await recordReplay(tx, base);
        await audit(tx, {
          actor: caller.name,
          action: request.dryRun ? 'replay.dry-run' : 'replay',
          target: scopeText(request.scope),
          reason: request.reason,
          detail: { replayId, consumer: request.target ?? 'all', events: envelopes.length },
        });
        // Published inside the transaction: a replay that could not be sent is not recorded as sent.
        if (!request.dryRun) await kafka.publishRaw(records);
        return row;
      }, REPLAY_TX);
      return {
        ...recorded,
        events: envelopes.map((e) => ({
          eventId: e.id,
          type: e.type,
          occurredAt: e.occurredAt,
          topic: topicOfEvent(e.type).name,
          applicationId: e.correlationId,
        })),
      };
    },

    async listDeadLetters(consumer: string, last = 100): Promise<DeadLetterView[]> {
      const messages = await kafka.readTopic(dlqTopic(consumer), { last });
      const redrives = await redrivesFor(db, consumer);
      return messages.map((m) => ({
        ...describeDeadLetter(consumer, m),
        redrives: redrives.filter((r) => r.partition === m.partition && r.offset === m.offset),
      }));
    },

    async showDeadLetter(consumer: string, partition: number, offset: string): Promise<DeadLetterView> {
      const message = await readDeadLetter(consumer, partition, offset);
      const redrives = await redrivesOf(db, consumer, partition, offset);
      return {
        ...describeDeadLetter(consumer, message),
        redrives: redrives.map((r) => ({
          number: r.number,
          requestedBy: r.requestedBy,
          reason: r.reason,
          createdAt: r.createdAt.toISOString(),
        })),
      };
    },

    /** Sends a dead letter back to its topic for its consumer; once, unless forced. */
    async redrive(
      caller: Caller,
      consumer: string,
      partition: number,
      offset: string,
      options: { reason: string; force: boolean },
    ) {
      const message = await readDeadLetter(consumer, partition, offset);
      const record = redriveRecord(consumer, message, kafka.namespace);
      const letter = describeDeadLetter(consumer, message);
      return db.$transaction(async (tx) => {
        const earlier = await redrivesOf(tx, consumer, partition, offset);
        if (earlier.length > 0 && !options.force) {
          const last = earlier[earlier.length - 1];
          throw new ConflictError(
            `this dead letter was already redriven by ${last?.requestedBy} at ${last?.createdAt.toISOString()}; pass force to redrive it again`,
          );
        }
        // The unique (consumer, partition, offset, number) makes a concurrent second redrive fail here.
        const row = await tx.deadLetterRedrive.create({
          data: {
            consumer,
            partition,
            offset: BigInt(offset),
            number: earlier.length + 1,
            eventId: letter.eventId,
            eventType: letter.eventType,
            originalTopic: record.topic,
            requestedBy: caller.name,
            reason: options.reason,
          },
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
        await kafka.publishRaw([record]);
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
    },

    /**
     * report-sync's /retry (a failed report: try the upload again) or /reupload (a synced report whose
     * document was deleted in Entrata: a deliberate second document).
     */
    async reportAction(
      caller: Caller,
      action: 'retry' | 'reupload',
      reportId: string,
      reason: string,
    ): Promise<RerunResult> {
      await audit(db, {
        actor: caller.name,
        action: `rerun.${action}-report`,
        target: `report:${reportId}`,
        reason,
      });
      return callAdmin(
        'report-sync',
        reportSync,
        `/admin/reports/${encodeURIComponent(reportId)}/${action}`,
        {
          requestedBy: caller.name,
          reason,
        },
      );
    },

    /**
     * A deliberate second invite (invite's POST /admin/invites/resend). The idempotency key makes a retried
     * request (time-out, double click) send it once.
     */
    async resendInvite(
      caller: Caller,
      request: {
        applicationId: string;
        applicantId: string;
        kind: string;
        channels?: string[];
        reason: string;
        idempotencyKey?: string;
      },
    ): Promise<RerunResult> {
      await audit(db, {
        actor: caller.name,
        action: 'rerun.resend-invite',
        target: `application:${request.applicationId}/applicant:${request.applicantId}/${request.kind}`,
        reason: request.reason,
        detail: { channels: request.channels ?? 'all', idempotencyKey: request.idempotencyKey ?? null },
      });
      return callAdmin(
        'invite',
        invite,
        '/admin/invites/resend',
        {
          applicationId: request.applicationId,
          applicantId: request.applicantId,
          kind: request.kind,
          ...(request.channels ? { channels: request.channels } : {}),
          requestedBy: caller.name,
          reason: request.reason,
        },
        request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {},
      );
    },
  };
}

export type SupportConsole = ReturnType<typeof supportConsole>;

function scopeText(scope: ReplayScope): string {
  return 'applicationId' in scope
    ? `application:${scope.applicationId}`
    : `tenant:${scope.tenantId}:${scope.from}..${scope.to}`;
}

export { NotRedrivableError };
