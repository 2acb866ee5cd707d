import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { Logger } from './logger.ts';

/** Who sent a webhook: the fake Entrata, the fake platform, or the fake Twilio. */
export type WebhookSource = 'entrata' | 'platform' | 'twilio-status' | 'twilio-inbound';

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  durationMs: number;
}

export interface Delivery {
  id: string;
  source: WebhookSource;
  /** What was sent, e.g. `application.submitted`, `REPORT_READY`, `delivered`. */
  event: string;
  url: string;
  body: string;
  /** `delivering` while attempts remain, then `delivered`, `failed` (retries exhausted) or `dropped` (on purpose). */
  state: 'delivering' | 'delivered' | 'failed' | 'dropped';
  attempts: DeliveryAttempt[];
  createdAt: string;
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Delay before the second attempt; doubles after each failure. */
  initialDelayMs: number;
  timeoutMs: number;
}

export interface SendOptions {
  source: WebhookSource;
  event: string;
  url: string;
  body: string;
  /** null sends no Content-Type header at all. */
  contentType: string | null;
  /** Called before every attempt: real senders sign each attempt afresh (a new timestamp). */
  headers: () => Record<string, string>;
}

/**
 * Delivers webhooks the way real providers do: POST, success is any 2xx, otherwise retried with exponential
 * backoff a few times, then given up. Every attempt is recorded so tests and people can see what happened.
 */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly retry: RetryPolicy;
  private readonly log: Logger;

  constructor(retry: RetryPolicy, log: Logger) {
    this.retry = retry;
    this.log = log;
  }

  /** Records a webhook that is deliberately never sent (a lost webhook). */
  drop(options: Omit<SendOptions, 'headers' | 'contentType'>): Delivery {
    const delivery = this.record(options, 'dropped');
    this.log.info({ source: options.source, event: options.event }, 'webhook dropped on purpose');
    return delivery;
  }

  /** Starts delivery in the background; the returned promise settles when it is delivered or given up. */
  send(options: SendOptions): { delivery: Delivery; done: Promise<void> } {
    const delivery = this.record(options, 'delivering');
    const done = this.run(delivery, options).finally(() => this.pending.delete(done));
    this.pending.add(done);
    return { delivery, done };
  }

  list(source?: WebhookSource): Delivery[] {
    return source ? this.deliveries.filter((d) => d.source === source) : [...this.deliveries];
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  /** Stops retrying and waits for attempts in flight. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled([...this.pending]);
  }

  private record(options: Omit<SendOptions, 'headers' | 'contentType'>, state: Delivery['state']): Delivery {
    const delivery: Delivery = {
      id: randomUUID(),
      source: options.source,
      event: options.event,
      url: options.url,
      body: options.body,
      state,
      attempts: [],
      createdAt: new Date().toISOString(),
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  private async run(delivery: Delivery, options: SendOptions): Promise<void> {
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (this.shutdown.signal.aborted) break;
      const ok = await this.attempt(delivery, options);
      if (ok) {
        delivery.state = 'delivered';
        return;
      }
      if (attempt < this.retry.attempts) {
        try {
          await sleep(delay, undefined, { signal: this.shutdown.signal });
        } catch {
          break; // shutting down
        }
        delay *= 2;
      }
    }
    delivery.state = 'failed';
    this.log.warn({ source: delivery.source, event: delivery.event, url: delivery.url }, 'webhook gave up');
  }

  private async attempt(delivery: Delivery, options: SendOptions): Promise<boolean> {
    const started = Date.now();
    const record: DeliveryAttempt = { at: new Date(started).toISOString(), durationMs: 0 };
    delivery.attempts.push(record);
    try {
      const res = await request(options.url, {
        method: 'POST',
        headers: {
          ...(options.contentType === null ? {} : { 'content-type': options.contentType }),
          'user-agent': 'autoverify-sandbox',
          ...options.headers(),
        },
        body: options.body,
        headersTimeout: this.retry.timeoutMs,
        bodyTimeout: this.retry.timeoutMs,
        signal: this.shutdown.signal,
      });
      await res.body.dump();
      record.status = res.statusCode;
      return res.statusCode >= 200 && res.statusCode < 300;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      record.durationMs = Date.now() - started;
    }
  }
}
