import { randomUUID } from 'node:crypto';
import { topicOfEvent } from '@autoverify/contracts';
import {
  MAX_REPLAY_EVENTS,
  ReplayRequestError,
  type ReplayScope,
  replayRecord,
  validateReplayRequest,
} from '../domain/replay.ts';
import type { Caller } from '../domain/tokens.ts';
import type { SupportContext } from '../service.ts';
import { audit, envelopesIn, type ReplayRecord, recordReplay } from '../store.ts';
import { type ConsumerSkips, replaySkips } from './replay-skips.ts';

export interface ReplayRequest {
  scope: ReplayScope;
  target?: string;
  dryRun: boolean;
  reason: string;
}

export interface ReplayOutcome extends ReplayRecord {
  events: { eventId: string; type: string; occurredAt: string; topic: string; applicationId: string }[];
  /** Dry run only: per consumer reached, what it will skip as already processed and what it will process. */
  skips?: ConsumerSkips[];
}

/** Re-publishes the original envelopes in scope (same event ids) to every consumer or one; recorded. */
export async function replay(
  ctx: SupportContext,
  caller: Caller,
  request: ReplayRequest,
): Promise<ReplayOutcome> {
  const { kafka } = ctx;
  validateReplayRequest(request.scope, request.target);
  const envelopes = await envelopesIn(ctx.db.client, request.scope, MAX_REPLAY_EVENTS);
  if (envelopes.length > MAX_REPLAY_EVENTS)
    throw new ReplayRequestError(`more than ${MAX_REPLAY_EVENTS} events in scope; narrow the time range`);
  const replayId = randomUUID();
  const records = envelopes.map((e) =>
    replayRecord(e, { replayId, requestedBy: caller.name }, request.target, kafka.topicName),
  );
  const recorded = await ctx.db.run(async (tx) => {
    const row = await recordReplay(tx, {
      id: replayId,
      requestedBy: caller.name,
      reason: request.reason,
      scope: request.scope,
      target: request.target ?? null,
      dryRun: request.dryRun,
      eventCount: envelopes.length,
      eventIds: envelopes.map((e) => e.id),
    });
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
  });
  const skips = request.dryRun
    ? await replaySkips(
        ctx,
        envelopes.map((e) => ({ eventId: e.id, type: e.type })),
        request.target,
      )
    : undefined;
  return {
    ...recorded,
    ...(skips ? { skips } : {}),
    events: envelopes.map((e) => ({
      eventId: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      topic: topicOfEvent(e.type).name,
      applicationId: e.correlationId,
    })),
  };
}

function scopeText(scope: ReplayScope): string {
  return 'applicationId' in scope
    ? `application:${scope.applicationId}`
    : `tenant:${scope.tenantId}:${scope.from}..${scope.to}`;
}
