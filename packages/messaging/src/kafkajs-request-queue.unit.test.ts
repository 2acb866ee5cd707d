import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import './kafkajs-request-queue.ts';

// kafkajs's own class, with the replaced method: a queue to one broker, no socket behind it.
const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js');
const logger = { debug() {}, warn() {} };

// Time-outs are off unless a test is about them: their check is a timer of its own.
function queue(maxInFlightRequests: number, enforceRequestTimeout = false) {
  return new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout,
    clientId: 'test',
    broker: 'b:9092',
    logger,
  });
}
let correlationId = 0;
function request(sent: number[], options: { requestTimeout?: number; rejected?: Error[] } = {}) {
  const id = ++correlationId;
  return {
    entry: {
      correlationId: id,
      apiKey: 1,
      apiName: 'Fetch',
      apiVersion: 11,
      resolve() {},
      reject: (error: Error) => options.rejected?.push(error),
    },
    expectResponse: true,
    sendRequest: () => sent.push(id),
    ...(options.requestTimeout ? { requestTimeout: options.requestTimeout } : {}),
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

  it('arms no time-out check on connect, nor once the requests in flight are answered (kafkajs ran one every 100 ms)', () => {
    vi.useFakeTimers();
    const q = queue(10, true);
    q.scheduleRequestTimeoutCheck();
    expect(vi.getTimerCount()).toBe(0);
    const sent: number[] = [];
    q.push(request(sent));
    expect(vi.getTimerCount()).toBe(1);
    q.fulfillRequest({ correlationId: sent[0], payload: null, size: 0 });
    // The check armed for the answered request fires once, at its deadline, and arms nothing again.
    vi.advanceTimersByTime(30_001);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times a request out once it is past its own timeout, not before', () => {
    vi.useFakeTimers();
    const q = queue(10, true);
    const sent: number[] = [];
    const rejected: Error[] = [];
    q.push(request(sent, { rejected }));
    vi.advanceTimersByTime(30_000);
    expect(rejected).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(rejected.map((e) => e.name)).toEqual(['KafkaJSRequestTimeoutError']);
    expect(q.inflight.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('checks sooner when a later request has an earlier deadline', () => {
    vi.useFakeTimers();
    const q = queue(10, true);
    const sent: number[] = [];
    const slow: Error[] = [];
    const quick: Error[] = [];
    // A fetch's timeout is the client's plus its long poll.
    q.push(request(sent, { requestTimeout: 40_000, rejected: slow }));
    vi.advanceTimersByTime(1_000);
    q.push(request(sent, { rejected: quick }));
    vi.advanceTimersByTime(30_001);
    expect(quick).toHaveLength(1);
    expect(slow).toHaveLength(0);
    vi.advanceTimersByTime(9_000);
    expect(slow).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops checking when the connection goes (destroy)', () => {
    vi.useFakeTimers();
    const q = queue(10, true);
    q.push(request([]));
    q.destroy();
    expect(vi.getTimerCount()).toBe(0);
  });
});
