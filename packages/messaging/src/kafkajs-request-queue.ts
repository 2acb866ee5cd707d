/**
 * kafkajs 2.2.4 re-arms its request queue's "check pending requests" timer after every response, also when
 * no request waits (tulios/kafkajs#1556, #1704; the fix was never released, kafkajs is unmaintained).
 * Unthrottled, that timer's delay is negative, Node clamps it to 1 ms, and the timer re-arms itself: every
 * broker connection woke its process about a thousand times a second while nothing happened, which was most
 * of an idle service's CPU (e2e/bench/README.md, 2026-12-06 h-footprint) and the source of Node 24's
 * TimeoutNegativeWarning. Replaced here, for every kafkajs client in the process (kafka.ts imports this
 * first): a check is armed only while a request waits, at the throttle's end or after kafkajs's 10 ms.
 */
import { createRequire } from 'node:module';

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL: how soon a request held back by maxInFlightRequests is retried. */
const CHECK_PENDING_MS = 10;

const { prototype } = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as {
  prototype: RequestQueue;
};
if (typeof prototype.scheduleCheckPendingRequests !== 'function')
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
