import { ConfigError, commonEnv, loadEnv } from '@autoverify/config';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { partsOfRole } from './role.ts';

const schema = Type.Object({ SERVICE_ROLE: commonEnv.SERVICE_ROLE });

describe('SERVICE_ROLE', () => {
  it('is all when unset or empty', () => {
    expect(loadEnv(schema, {}).SERVICE_ROLE).toBe('all');
    expect(loadEnv(schema, { SERVICE_ROLE: ' ' }).SERVICE_ROLE).toBe('all');
  });

  it('takes web and worker', () => {
    expect(loadEnv(schema, { SERVICE_ROLE: 'web' }).SERVICE_ROLE).toBe('web');
    expect(loadEnv(schema, { SERVICE_ROLE: 'worker' }).SERVICE_ROLE).toBe('worker');
  });

  it('refuses anything else at start-up, saying what it takes', () => {
    expect(() => loadEnv(schema, { SERVICE_ROLE: 'workers' })).toThrow(ConfigError);
    expect(() => loadEnv(schema, { SERVICE_ROLE: 'workers' })).toThrow(
      'SERVICE_ROLE: must be one of "all", "web", "worker" (got "workers")',
    );
  });
});

describe('partsOfRole', () => {
  it('all runs everything, as one process did before the split', () => {
    expect(partsOfRole('all')).toEqual({ routes: true, work: true });
    expect(partsOfRole(undefined)).toEqual({ routes: true, work: true });
  });

  it('web serves the routes and does no work (consumer, job workers, loops, relay)', () => {
    expect(partsOfRole('web')).toEqual({ routes: true, work: false });
  });

  it('worker does the work and serves only health, readiness and metrics', () => {
    expect(partsOfRole('worker')).toEqual({ routes: false, work: true });
  });
});
