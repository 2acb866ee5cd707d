import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import './kafkajs-request-queue.ts';

// kafkajs's own class, with the replaced method: a queue to one broker, no socket behind it.
const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js');
const logger = { debug() {}, warn() {} };

function queue(maxInFlightRequests: number) {
  return new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    clientId: 'test',
    broker: 'b:9092',
    logger,
  });
}
let correlationId = 0;
function request(sent: number[]) {
  const id = ++correlationId;
  return {
    entry: { correlationId: id, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve() {}, reject() {} },
    expectResponse: true,
    sendRequest: () => sent.push(id),
  };
}

afterEach(() => vi.useRealTimers());

describe('kafkajs request queue', () => {
  it('arms no timer once a response leaves nothing waiting (kafkajs 2.2.4 re-armed one every 1 ms)', () => {
    vi.useFakeTimers();
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(sent));
    q.fulfillRequest({ correlationId: sent[0], payload: null, size: 0 });
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('still sends a request held back by the in-flight limit when the one before it is answered', () => {
    vi.useFakeTimers();
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(sent));
    q.push(request(sent));
    expect(sent).toHaveLength(1);
    q.fulfillRequest({ correlationId: sent[0], payload: null, size: 0 });
    expect(sent).toHaveLength(2);
    // The check armed while it waited fires once and arms nothing again.
    vi.advanceTimersByTime(10);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends a request held back by broker throttling when the throttle ends', () => {
    vi.useFakeTimers();
    const q = queue(10);
    const sent: number[] = [];
    q.maybeThrottle(500);
    q.push(request(sent));
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(499);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
