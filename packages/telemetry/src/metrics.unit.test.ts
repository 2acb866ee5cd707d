import { describe, expect, it } from 'vitest';
import { counterOf, metricsEnabled, startMetrics } from './metrics.ts';

describe('service metrics', () => {
  it('are on by default and off with the standard switches', () => {
    expect(metricsEnabled({})).toBe(true);
    expect(metricsEnabled({ OTEL_METRICS_EXPORTER: 'none' })).toBe(false);
    expect(metricsEnabled({ OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('when off, have no scrape handler and a meter that records nothing', async () => {
    const metrics = await startMetrics('test', { OTEL_METRICS_EXPORTER: 'none' });
    expect(metrics.scrape).toBeUndefined();
    counterOf(metrics.meter, 'x', 'a counter').add(1);
    await metrics.shutdown();
  });

  it('when on, give each service its own meter and a scrape handler; counters are made once', async () => {
    const a = await startMetrics('a', {});
    const b = await startMetrics('b', {});
    expect(a.scrape).toBeTypeOf('function');
    expect(a.meter).not.toBe(b.meter);
    expect(counterOf(a.meter, 'c', 'd')).toBe(counterOf(a.meter, 'c', 'd'));
    await Promise.all([a.shutdown(), b.shutdown(), a.shutdown()]);
  });
});
