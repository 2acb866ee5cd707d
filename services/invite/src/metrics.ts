import type { Histogram, Meter } from '@autoverify/telemetry';

const histograms = new WeakMap<Meter, Histogram>();

/**
 * Invite latency: from the application reaching invite (its row's creation) to its first invitation being
 * sent, per kind. Recorded in the sending transaction: a rolled-back send records once more when retried.
 */
export function recordInviteLatency(meter: Meter, kind: string, seconds: number): void {
  let histogram = histograms.get(meter);
  if (!histogram) {
    histogram = meter.createHistogram('autoverify.invites.latency_seconds', {
      unit: 's',
      description: 'Time from the application reaching invite to its first invitation being sent',
      advice: { explicitBucketBoundaries: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200] },
    });
    histograms.set(meter, histogram);
  }
  histogram.record(Math.max(0, seconds), { kind });
}
