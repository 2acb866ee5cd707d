import { describe, expect, it } from 'vitest';
import { samplerFromEnv } from './sampler.ts';

describe('samplerFromEnv', () => {
  it('follows OTEL_TRACES_SAMPLER, parent-based always-on by default', () => {
    expect(samplerFromEnv({}).toString()).toMatch(/ParentBased\{root=AlwaysOnSampler/);
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe('AlwaysOffSampler');
    expect(
      samplerFromEnv({
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }).toString(),
    ).toMatch(/root=TraceIdRatioBased\{0.25\}/);
  });
});
