/**
 * Two timers of kafkajs 2.2.4's request queue (one queue per broker connection) woke idle services all the
 * time; both are replaced here, for every kafkajs client in the process (kafka.ts imports this first).
 * kafkajs is unmaintained, so neither fix will come from upstream.
 *
 * - The "check pending requests" timer was re-armed after every response, also when no request waited
 *   (tulios/kafkajs#1556, #1704). Unthrottled, its delay was negative, Node clamped it to 1 ms and it
 *   re-armed itself: about a thousand wake-ups a second per connection (e2e/bench/README.md, 2026-12-06
 *   h-footprint) and Node 24's TimeoutNegativeWarning. Now a check is armed only while a request waits,
 *   at the throttle's end or after kafkajs's 10 ms.
 * - Request time-outs were enforced by a 100 ms interval per connection, from connect to disconnect, busy or
 *   not: ten wake-ups a second per connection (e2e/bench/README.md, sixth session). Now one timer per queue
 *   is armed for the earliest deadline of the requests in flight, and none while nothing is in flight. A
 *   request still times out at its own requestTimeout (sent at + timeout), no later than kafkajs's interval
 *   allowed.
 */
import { createRequire } from 'node:module';

interface SocketRequest {
  correlationId: number;
  sentAt: number;
  requestTimeout: number;
  timeoutRequest(): void;
}

interface RequestQueue {
  pending: unknown[];
  inflight: Map<number, SocketRequest>;
  enforceRequestTimeout: boolean;
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  /** kafkajs's field for its interval; destroy() (on disconnect) clears whatever timer it holds. */
  requestTimeoutIntervalId: ReturnType<typeof setTimeout> | undefined;
  /** When the armed time-out check fires (ours). */
  timeoutCheckAt?: number;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
  sendSocketRequest(request: SocketRequest): void;
  destroy(): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL: how soon a request held back by maxInFlightRequests is retried. */
const CHECK_PENDING_MS = 10;

const { prototype } = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as {
  prototype: RequestQueue;
};
if (
  typeof prototype.scheduleCheckPendingRequests !== 'function' ||
  typeof prototype.scheduleRequestTimeoutCheck !== 'function' ||
  typeof prototype.sendSocketRequest !== 'function'
)
  throw new Error('kafkajs changed its RequestQueue: review packages/messaging/src/kafkajs-request-queue.ts');

prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue) {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledForMs = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledForMs > 0 ? throttledForMs : CHECK_PENDING_MS,
  );
};

/** Arms the queue's one time-out check for the earliest deadline in flight, unless one fires sooner. */
function armTimeoutCheck(queue: RequestQueue): void {
  let earliest = Number.POSITIVE_INFINITY;
  for (const request of queue.inflight.values()) {
    earliest = Math.min(earliest, request.sentAt + request.requestTimeout);
  }
  if (earliest === Number.POSITIVE_INFINITY) return;
  if (queue.requestTimeoutIntervalId && (queue.timeoutCheckAt ?? 0) <= earliest) return;
  clearTimeout(queue.requestTimeoutIntervalId);
  queue.timeoutCheckAt = earliest;
  queue.requestTimeoutIntervalId = setTimeout(
    () => {
      queue.requestTimeoutIntervalId = undefined;
      const now = Date.now();
      for (const request of [...queue.inflight.values()]) {
        // kafkajs's own test: strictly past the timeout.
        if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
      }
      armTimeoutCheck(queue);
    },
    // +1: kafkajs times a request out only once it is strictly past its timeout.
    Math.max(earliest - Date.now() + 1, 0),
  );
  // The sockets in flight keep the process alive; a check alone must not.
  queue.requestTimeoutIntervalId.unref();
}

prototype.scheduleRequestTimeoutCheck = function scheduleRequestTimeoutCheck(this: RequestQueue) {
  // Called on (re)connect: what the old connection armed goes, as kafkajs's destroy() did. destroy() clears
  // the timer but leaves its handle in the field, which armTimeoutCheck would take for an armed check.
  this.destroy();
  this.requestTimeoutIntervalId = undefined;
};

const sendSocketRequest = prototype.sendSocketRequest;
prototype.sendSocketRequest = function sendWithTimeout(this: RequestQueue, request: SocketRequest) {
  sendSocketRequest.call(this, request);
  // A request that expects no answer has already left inflight.
  if (this.enforceRequestTimeout && this.inflight.has(request.correlationId)) armTimeoutCheck(this);
};
