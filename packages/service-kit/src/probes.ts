import type { RunningConsumer } from '@autoverify/messaging';

/**
 * A liveness check for a Kafka consumer: fails once the consumer stopped for good (the client crashed with
 * an error it does not restart after), so Kubernetes restarts the pod instead of leaving a service that
 * takes HTTP requests but never reads its topics again. A consumer that is still starting, or restarting
 * after a retriable error such as a broker outage, counts as live.
 */
export function consumerLivenessCheck(
  consumer: () => Pick<RunningConsumer, 'failure'> | undefined,
): () => void {
  return () => {
    const failure = consumer()?.failure();
    if (failure) throw new Error(`the Kafka consumer stopped for good: ${failure.message}`);
  };
}
