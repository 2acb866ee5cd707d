/**
 * What a replay's consumers will skip: each keeps the ids of the events it processed in its inbox and
 * acknowledges a replayed one without effect. The dry run asks every consumer it would reach (service-kit's
 * POST /admin/inbox/processed); one that does not answer is shown as unknown, never fails the dry run.
 */
import {
  type ServiceName,
  serviceNames,
  subscriptions,
  supportConsumer,
  type TopicId,
  topics,
} from '@autoverify/contracts';
import { processedEventIds, type Sql } from '@autoverify/messaging';
import { MAX_INBOX_QUERY_IDS } from '@autoverify/service-kit';
import type { SupportContext } from '../service.ts';
import { requestAdmin } from './reruns.ts';

export interface ConsumerSkips {
  consumer: string;
  /** Events in the replay the consumer already processed: acknowledged without effect. */
  willSkip: number;
  /** Event ids it has not processed (never got, or dead-lettered): these do their work. */
  willProcess: string[];
  /** Set when the consumer's inbox could not be read: then nothing is known (willSkip 0, willProcess []). */
  error?: string;
}

interface ReplayedEvent {
  eventId: string;
  type: string;
}

/** A replay question waits this long per consumer: a dry run should not hang on one service. */
const ASK_TIMEOUT_MS = 5_000;

const topicOf = (type: string): TopicId | undefined =>
  (Object.keys(topics) as TopicId[]).find((id) => topics[id].events.some((e) => e.type === type));

/** The consumers a replay reaches: the target, or every consumer subscribed to one of the events' topics. */
export function replayConsumers(events: readonly ReplayedEvent[], target: string | undefined): string[] {
  if (target !== undefined) return [target];
  const topicIds = new Set(events.map((e) => topicOf(e.type)));
  // Support's own consumer (the timeline projection) reads every topic.
  return [
    ...serviceNames.filter((s) => subscriptions[s].some((t) => topicIds.has(t))),
    ...(events.length > 0 ? [supportConsumer] : []),
  ];
}

export async function replaySkips(
  ctx: SupportContext,
  events: readonly ReplayedEvent[],
  target: string | undefined,
): Promise<ConsumerSkips[]> {
  return Promise.all(
    replayConsumers(events, target).map(async (consumer) => {
      // Only the events of the consumer's topics reach it (support reads them all).
      const reaching = events.filter((e) => {
        const topic = topicOf(e.type);
        return (
          consumer === supportConsumer || (topic && subscriptions[consumer as ServiceName].includes(topic))
        );
      });
      const ids = reaching.map((e) => e.eventId);
      try {
        const processed = new Set(await processedBy(ctx, consumer, ids));
        return {
          consumer,
          willSkip: ids.filter((id) => processed.has(id)).length,
          willProcess: ids.filter((id) => !processed.has(id)),
        };
      } catch (error) {
        return { consumer, willSkip: 0, willProcess: [], error: (error as Error).message };
      }
    }),
  );
}

async function processedBy(ctx: SupportContext, consumer: string, ids: string[]): Promise<string[]> {
  const processed: string[] = [];
  for (let i = 0; i < ids.length; i += MAX_INBOX_QUERY_IDS) {
    const batch = ids.slice(i, i + MAX_INBOX_QUERY_IDS);
    processed.push(
      ...(consumer === supportConsumer
        ? await processedEventIds(ownSql(ctx), consumer, batch)
        : await askService(ctx, consumer as ServiceName, batch)),
    );
  }
  return processed;
}

/** Support's own inbox is in its own database. */
const ownSql = (ctx: SupportContext): Sql => ({
  query: async <T>(text: string, params: unknown[] = []) =>
    (await ctx.db.client.$queryRawUnsafe<T[]>(text, ...params)) ?? [],
});

async function askService(ctx: SupportContext, service: ServiceName, eventIds: string[]): Promise<string[]> {
  const answer = await requestAdmin(
    service,
    ctx.services[service],
    { method: 'POST', path: '/admin/inbox/processed', body: { eventIds } },
    ASK_TIMEOUT_MS,
  );
  const processed = (answer.body as { processed?: unknown } | null)?.processed;
  if (answer.status !== 200 || !Array.isArray(processed))
    throw new Error(`${service} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
  return processed.filter((id): id is string => typeof id === 'string');
}
