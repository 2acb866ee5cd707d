import {
  deadLetterTopic,
  type EventDefinition,
  type EventOf,
  eventKey,
  parseEvent,
  type TopicId,
  topics as topicRegistry,
} from '@autoverify/contracts';
import { backoffDelay, sleep } from '@autoverify/retry';
import { type Context, context, type Meter, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { asReceived } from './encrypted-kafka.ts';
import { InvalidEventError, PermanentError } from './errors.ts';
import { deadLetterHeaders, errorText, headerNames } from './headers.ts';
import { claimedFlags, claimInbox, inboxClaimSql, inboxClaimValues } from './inbox.ts';
import type { BatchControl, IncomingMessage, KafkaClient, Subscription } from './kafka.ts';
import type { Logger } from './logger.ts';
import { consumerMetrics, type DeadLetterReason, observeConsumerLag } from './metrics.ts';
import { Outbox, type SqlText } from './outbox.ts';
import { defaultRetryPolicy, type RetryPolicy, validateRetryPolicy } from './retry-policy.ts';
import { type Transactions, wakeRelayAfterCommit } from './sql.ts';
import { contextFrom, tracer } from './tracing.ts';

export interface HandlerContext<Tx> {
  /** Events added here are committed with the handler's writes and published by the relay. */
  outbox: Outbox<Tx>;
  /** 1 on the first try. */
  attempt: number;
  logger: Logger;
  message: { topic: string; partition: number; offset: string };
  /**
   * Runs fn in this event's span. A handler of one event already runs in it; a batch handler (handleBatched)
   * runs in its last event's, so what it records per event (an event's or a job's trace) comes from here.
   */
  inEventSpan<T>(fn: () => T): T;
}

/** One event of a batch handed to a BatchHandling, with its own context. */
export interface BatchItem<Tx> {
  event: EventOf<EventDefinition>;
  ctx: HandlerContext<Tx>;
}

/**
 * Handles, in order, consecutive events of one transaction whose handlers share this function: one call
 * (say, one multi-row INSERT) instead of one per event. It must leave the same state as handling the items
 * one at a time in that order.
 */
// biome-ignore lint/suspicious/noExplicitAny: see Handler
export type BatchHandling<Tx = any> = (items: readonly BatchItem<Tx>[], tx: Tx) => Promise<void>;

/** An event and the message it came in, as a Projection sees them. */
export interface ProjectedEvent {
  event: EventOf<EventDefinition>;
  message: { topic: string; partition: number; offset: string };
}

/**
 * The whole effect of consecutive events (each once) as ONE statement, written against a CTE
 * `claimed(event_id uuid)` that holds the ids claimed in the inbox now (an event seen before is not in it): the
 * claim and the effect are one statement, atomic by itself, without BEGIN and COMMIT. For a projection that
 * only writes rows of its own (it adds no events).
 */
export type Projection = (events: readonly ProjectedEvent[]) => SqlText;

// Tx defaults to any: handlers are usually written before the service picks its Transactions, and an
// unannotated `tx` must still be passable to the service's own helpers; startConsumer pins the real Tx.
// biome-ignore lint/suspicious/noExplicitAny: see above
export interface Handler<Tx = any> {
  readonly definition: EventDefinition;
  handleEvent(event: EventOf<EventDefinition>, tx: Tx, ctx: HandlerContext<Tx>): Promise<void>;
  /** Set by handleBatched: events of handlers sharing it are handed over together. */
  readonly handleEvents?: BatchHandling<Tx>;
  /**
   * Set by handleBatched: a run of events whose handlers all share it is claimed and handled in one
   * statement; a run with any other event goes through the transaction and handleEvents.
   */
  readonly project?: Projection;
}

/** A handler of one event type (and version). Its writes share one transaction with the inbox row. */
// biome-ignore lint/suspicious/noExplicitAny: see Handler
export function handle<D extends EventDefinition, Tx = any>(
  definition: D,
  fn: (event: EventOf<D>, tx: Tx, ctx: HandlerContext<Tx>) => Promise<void>,
): Handler<Tx> {
  return { definition, handleEvent: (event, tx, ctx) => fn(event as EventOf<D>, tx, ctx) };
}

/**
 * Handlers of several event types (and versions) that share one BatchHandling: consecutive events of any of
 * them in one transaction are handed over in one call. A projection of every event (the support console's
 * timeline) writes them with one statement; with `project`, the same effect as one statement together with
 * the inbox claim (Projection), which the consumer uses where every event of a run has it.
 */
// biome-ignore lint/suspicious/noExplicitAny: see Handler
export function handleBatched<Tx = any>(
  definitions: readonly EventDefinition[],
  fn: BatchHandling<Tx>,
  options: { project?: Projection } = {},
): Handler<Tx>[] {
  return definitions.map((definition) => ({
    definition,
    handleEvent: (event, tx, ctx) => fn([{ event, ctx }], tx),
    handleEvents: fn,
    ...(options.project ? { project: options.project } : {}),
  }));
}

export interface ConsumerOptions<Tx> {
  kafka: KafkaClient;
  /** Names the consumer group (`<namespace>.<service>`), the inbox rows and the dead-letter topic. */
  service: string;
  topics: readonly TopicId[];
  transactions: Transactions<Tx>;
  handlers: readonly Handler<NoInfer<Tx>>[];
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** Partitions processed in parallel (order within a partition always holds); default 1. */
  concurrency?: number;
  /**
   * The service's relay: woken after a handler's transaction that added events commits. Leave it out when
   * `transactions` already wake it (wakeRelayAfterCommit, as service-kit's are).
   */
  relay?: { wake(): void };
  /** Where the consumer's counters and lag gauge go (service-kit passes the service's); none: not recorded. */
  meter?: Meter;
}

export interface RunningConsumer {
  stop(): Promise<void>;
  /** Set when the consumer stopped for good (see Subscription.failure): liveness probes report it. */
  failure(): Error | undefined;
}

/**
 * Most events handled in one transaction (see processRun): a backlog's batch of hundreds is cut into
 * transactions short enough to hold their locks briefly and finish far inside the 30 s time-out.
 */
const MAX_EVENTS_PER_TRANSACTION = 20;

/** An event this consumer has a handler for, with the message it came in. */
interface Ready<Tx> {
  message: IncomingMessage;
  event: EventOf<EventDefinition>;
  handler: Handler<Tx>;
}

/** Runs a handler in its event's span. */
type InSpan<Tx> = <T>(step: Ready<Tx>, fn: () => Promise<T>) => Promise<T>;

/** Thrown out of a message whose retries were cut short by stop(): its offset stays uncommitted. */
class StoppedDuringRetry extends Error {}

export async function startConsumer<Tx>(options: ConsumerOptions<Tx>): Promise<RunningConsumer> {
  const { kafka, service } = options;
  const transactions = options.relay
    ? wakeRelayAfterCommit(options.transactions, options.relay)
    : options.transactions;
  const retry = validateRetryPolicy({ ...defaultRetryPolicy, ...options.retry });
  const logger = options.logger.child({ component: 'consumer', consumer: service });
  const handlers = indexHandlers(options.handlers, options.topics);
  const dlqTopic = kafka.topicName(deadLetterTopic(service));
  const stopSignal = new AbortController();
  const topicNames = options.topics.map((id) => kafka.topicName(topicRegistry[id]));
  const metrics = consumerMetrics(options.meter, service, topicNames);
  const stopObservingLag = options.meter
    ? observeConsumerLag(options.meter, kafka, service, topicNames, logger)
    : () => {};

  const deadLetter = async (
    message: IncomingMessage,
    error: string,
    attempts: number,
    reason: DeadLetterReason,
  ) => {
    // The bytes as received (still sealed, or refused as they came): never re-sealed with our key.
    const received = asReceived(message);
    await kafka.publishRaw([
      {
        topic: dlqTopic,
        key: message.key,
        ...received,
        headers: deadLetterHeaders(received.headers, {
          error,
          attempts,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          consumer: service,
        }),
      },
    ]);
    metrics.deadLettered(message.topic, reason);
    logger.error(
      {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        eventId: message.headers[headerNames.eventId],
        attempts,
        dlq: dlqTopic,
      },
      `message dead-lettered: ${error}`,
    );
  };

  const logOf = (event: EventOf<EventDefinition>) =>
    logger.child({ eventId: event.id, eventType: event.type, correlationId: event.correlationId });

  /**
   * The events' inbox rows (one statement) and, for each event claimed now, its handler's writes, all in tx.
   * Per event, whether it was processed (false: it was before). Only the handlers run in the event's span
   * (`inSpan`): BEGIN, the claim and COMMIT belong to no one application, and with no active span the pg
   * instrumentation (requireParentSpan) spends nothing on them.
   */
  const handleOnce = async (
    tx: Tx,
    steps: readonly Ready<Tx>[],
    attempt: number,
    outbox: Outbox<Tx>,
    inSpan: InSpan<Tx>,
  ) => {
    const claimed = await claimInbox(
      transactions.sql(tx),
      service,
      steps.map((step) => step.event),
    );
    const contextOf = (
      { message, event }: Ready<Tx>,
      spanContext = context.active(),
    ): HandlerContext<Tx> => ({
      outbox,
      attempt,
      logger: logOf(event),
      message: { topic: message.topic, partition: message.partition, offset: message.offset },
      inEventSpan: (fn) => context.with(spanContext, fn),
    });
    const fresh = steps.filter((_, i) => claimed[i]);
    for (let i = 0; i < fresh.length; ) {
      const step = fresh[i] as Ready<Tx>;
      const batch = step.handler.handleEvents;
      let end = i + 1;
      while (batch && end < fresh.length && fresh[end]?.handler.handleEvents === batch) end++;
      if (batch && end - i > 1) {
        const group = fresh.slice(i, end);
        await inSpans(group, inSpan, (spanContexts) =>
          batch(
            group.map((s, k) => ({ event: s.event, ctx: contextOf(s, spanContexts[k]) })),
            tx,
          ),
        );
      } else {
        await inSpan(step, () => step.handler.handleEvent(step.event, tx, contextOf(step)));
      }
      i = end;
    }
    return claimed;
  };

  /** The projection every step's handler shares, if they do (see Projection). */
  const projectionOf = (steps: readonly Ready<Tx>[]): Projection | undefined => {
    const project = steps[0]?.handler.project;
    return project && steps.every((step) => step.handler.project === project) ? project : undefined;
  };

  /** The events' inbox claim and their projection in one statement; per event, whether it was processed now. */
  const projectOnce = async (project: Projection, steps: readonly Ready<Tx>[]) => {
    // A fetch may carry one event twice: the projection gets it once (the claim takes only the first anyway).
    const seen = new Set<string>();
    const distinct = steps.filter(({ event }) => {
      const id = event.id.toLowerCase();
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const change = project(
      distinct.map(({ event, message }) => ({
        event,
        message: { topic: message.topic, partition: message.partition, offset: message.offset },
      })),
    );
    const events = steps.map((step) => step.event);
    const rows = await transactions.sql().query<{ event_id: string }>(
      `WITH claimed AS (${inboxClaimSql(change.values.length + 1)}), projected AS (${change.text})
       SELECT event_id::text AS event_id FROM claimed`,
      [...change.values, ...inboxClaimValues(service, events)],
    );
    return claimedFlags(events, rows);
  };

  const counted = ({ message, event }: Ready<Tx>, processed: boolean) => {
    if (!processed) logOf(event).info({}, 'event already processed: skipped');
    metrics.consumed(message.topic, event.type, processed ? 'processed' : 'duplicate');
    if (processed) metrics.handledAfter(event.type, (Date.now() - Date.parse(event.occurredAt)) / 1000);
  };

  /**
   * One event in its own transaction, retried with backoff, dead-lettered when retries run out; all of it in
   * the event's span, so its retry and dead-letter logs carry the trace, but its transaction outside it.
   */
  const processEvent = (step: Ready<Tx>) => traced(step, () => retried(step));

  const retried = async (step: Ready<Tx>) => {
    const { message } = step;
    const log = logOf(step.event);
    const eventContext = context.active();
    const inEventSpan: InSpan<Tx> = (_, fn) => context.with(eventContext, fn);
    for (let attempt = 1; ; attempt++) {
      try {
        const project = step.handler.project;
        const outbox = new Outbox(transactions);
        const [processed] = project
          ? await projectOnce(project, [step])
          : await context.with(trace.deleteSpan(eventContext), () =>
              transactions.run((tx) => handleOnce(tx, [step], attempt, outbox, inEventSpan)),
            );
        counted(step, processed === true);
        return;
      } catch (error) {
        metrics.failed(message.topic);
        const permanent = error instanceof PermanentError || error instanceof InvalidEventError;
        if (permanent || attempt >= retry.attempts) {
          await deadLetter(message, errorText(error), attempt, permanent ? 'permanent' : 'retries-exhausted');
          return;
        }
        const delay = backoffDelay(attempt, retry);
        log.warn(
          { err: error, attempt, delayMs: delay },
          `handler failed, retrying in ${delay} ms: ${errorText(error)}`,
        );
        if (!(await sleep(delay, stopSignal.signal)))
          throw new StoppedDuringRetry('consumer stopped during a retry');
        await message.heartbeat().catch(() => {});
      }
    }
  };

  /** An event this consumer handles, or what to do instead with a message it will not hand to a handler. */
  const classify = (message: IncomingMessage): Ready<Tx> | (() => Promise<void>) => {
    // A replay or redrive aimed at another consumer: acknowledged without effect (not even the inbox row,
    // so a later replay aimed at this consumer still acts).
    const target = message.headers[headerNames.replayTarget];
    if (target !== undefined && target !== service) {
      return async () =>
        logger.debug(
          {
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            replayTarget: target,
          },
          'replay for another consumer: skipped',
        );
    }
    const refused = message.refused;
    if (refused !== undefined) return () => deadLetter(message, refused, 0, 'refused');
    let value: unknown;
    try {
      value = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch (error) {
      const text = `invalid message: not JSON (${errorText(error)})`;
      return () => deadLetter(message, text, 0, 'invalid');
    }
    const parsed = parseEvent(value);
    if (!parsed.ok) {
      const text = new InvalidEventError('event', parsed.problems).message;
      return () => deadLetter(message, text, 0, 'invalid');
    }
    const event = parsed.event;
    const handler = handlers.get(eventKey(event.type, event.version));
    if (!handler) {
      return async () => {
        logger.debug(
          { eventId: event.id, eventType: event.type },
          'event type not handled here: acknowledged',
        );
        metrics.consumed(message.topic, event.type, 'ignored');
      };
    }
    return { message, event, handler };
  };

  /** Runs fn in the event's span: the producer's context from the headers (or the envelope) is its parent. */
  const traced = <T>({ message, event }: Ready<Tx>, fn: () => Promise<T>): Promise<T> => {
    const parent = contextFrom(
      message.headers[headerNames.traceparent]
        ? {
            traceparent: message.headers[headerNames.traceparent],
            tracestate: message.headers[headerNames.tracestate],
          }
        : event,
    );
    return tracer.startActiveSpan(
      `process ${message.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': message.topic,
          'messaging.destination.partition.id': String(message.partition),
          'messaging.consumer.group.name': kafka.groupId(service),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.message.id': event.id,
          'autoverify.event_type': event.type,
          // The correlation id is our application id: every span of one application carries it.
          'tenant.id': event.tenantId,
          'application.id': event.correlationId,
        },
      },
      parent,
      async (span) => {
        try {
          return await fn();
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  };

  /**
   * Consecutive events of one partition in ONE transaction: one commit (one WAL flush) instead of one per
   * event, so an application's burst of events (one key, one partition) is not handled strictly one commit
   * after another. Each event keeps its inbox row, so a redelivered one is still skipped. If the transaction
   * fails, nothing of it stays and its events are handled again one at a time, each with its own retries
   * and dead letter: one bad event never takes the others down with it.
   */
  const processRun = async (run: Ready<Tx>[]) => {
    const [only] = run;
    if (only && run.length === 1) {
      await processEvent(only);
      return;
    }
    let outcomes: boolean[];
    try {
      const project = projectionOf(run);
      const outbox = new Outbox(transactions);
      outcomes = project
        ? await inSpans(run, traced, () => projectOnce(project, run))
        : await transactions.run((tx) => handleOnce(tx, run, 1, outbox, traced));
    } catch (error) {
      logger.warn(
        { err: error, events: run.length, eventIds: run.map((step) => step.event.id) },
        `batch transaction failed, handling its events one at a time: ${errorText(error)}`,
      );
      for (const step of run) await processEvent(step);
      return;
    }
    run.forEach((step, i) => {
      counted(step, outcomes[i] === true);
    });
  };

  const onBatch = async (messages: IncomingMessage[], control: BatchControl) => {
    let run: Ready<Tx>[] = [];
    // Offsets are resolved in order and only once what precedes them committed: a crash redelivers the rest.
    const flush = async () => {
      if (run.length === 0) return;
      const last = run[run.length - 1] as Ready<Tx>;
      await processRun(run);
      run = [];
      control.resolve(last.message.offset);
      await last.message.heartbeat().catch(() => {});
    };
    for (const message of messages) {
      if (!control.active()) break;
      const step = classify(message);
      if (typeof step === 'function') {
        await flush();
        await step();
        control.resolve(message.offset);
        continue;
      }
      run.push(step);
      if (run.length >= MAX_EVENTS_PER_TRANSACTION) await flush();
    }
    await flush();
  };

  const subscription: Subscription = await kafka.consume({
    groupId: kafka.groupId(service),
    topics: topicNames,
    concurrency: options.concurrency ?? 1,
    onBatch,
  });
  logger.info({ topics: options.topics, handlers: [...handlers.keys()] }, 'consumer started');

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        // Cuts retry waits short; the message being retried is then redelivered after a restart.
        stopSignal.abort();
        stopObservingLag();
        await subscription.stop();
        logger.info({}, 'consumer stopped');
      })();
      return stopping;
    },
    failure: () => subscription.failure(),
  };
}

/**
 * fn inside every step's span, each span nested in the next: each event's span covers the one call that
 * handled it, and a statement of that call is traced under the last event's span. fn gets, in the steps'
 * order, the context in which each step's span is the active one (HandlerContext.inEventSpan).
 */
function inSpans<Tx, T>(
  steps: readonly Ready<Tx>[],
  inSpan: InSpan<Tx>,
  fn: (spanContexts: readonly Context[]) => Promise<T>,
): Promise<T> {
  const spanContexts: Context[] = [];
  return steps.reduceRight<() => Promise<T>>(
    (inner, step) => () =>
      inSpan(step, () => {
        spanContexts.push(context.active());
        return inner();
      }),
    () => fn(spanContexts),
  )();
}

function indexHandlers<Tx>(
  handlers: readonly Handler<Tx>[],
  topics: readonly TopicId[],
): Map<string, Handler<Tx>> {
  const subscribed = new Set<EventDefinition>(topics.flatMap((id) => [...(topicRegistry[id]?.events ?? [])]));
  for (const id of topics) if (!topicRegistry[id]) throw new Error(`unknown topic id "${id}"`);
  const byKey = new Map<string, Handler<Tx>>();
  for (const handler of handlers) {
    const key = eventKey(handler.definition.type, handler.definition.version);
    if (byKey.has(key)) throw new Error(`two handlers for ${key}`);
    if (!subscribed.has(handler.definition))
      throw new Error(`handler for ${key}, but no subscribed topic (${topics.join(', ')}) carries it`);
    byKey.set(key, handler);
  }
  return byKey;
}
