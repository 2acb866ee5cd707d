/**
 * How many consecutive events of a partition one consumer transaction takes (consumer.ts, processRun).
 * Nothing a handler writes takes effect before its transaction commits (notify's send jobs become visible
 * then), so the first event of a run waits for the last one's handling: an application's 8-10 requests
 * held notify's first send job back 115 ms (p50) on the bench, up to 1.9 s on a loaded machine. The run is therefore sized to about
 * `budgetMs` of handling, from what events took lately: a fast machine still batches (fewer commits), a slow
 * one commits sooner.
 */
export class RunLength {
  /** Recent milliseconds per event, smoothed; undefined until a transaction has been timed. */
  private msPerEvent: number | undefined;

  private readonly budgetMs: number;
  private readonly max: number;

  constructor(budgetMs: number, max: number) {
    this.budgetMs = budgetMs;
    this.max = max;
  }

  /** Events the next transaction takes, 1..max; max until a transaction has been timed. */
  next(): number {
    if (this.msPerEvent === undefined) return this.max;
    return Math.min(this.max, Math.max(1, Math.floor(this.budgetMs / this.msPerEvent)));
  }

  /** A committed transaction of `events` events took `ms`, BEGIN to COMMIT (its fixed cost included). */
  observe(events: number, ms: number): void {
    if (events < 1) return;
    const sample = Math.max(0, ms) / events;
    // Smoothed so one slow commit does not cut the next runs to single events, yet a load that lasts is
    // followed within a few transactions.
    this.msPerEvent =
      this.msPerEvent === undefined ? sample : this.msPerEvent + SMOOTHING * (sample - this.msPerEvent);
  }
}

const SMOOTHING = 0.3;
