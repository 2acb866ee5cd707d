import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from './options.ts';

const names = ['kill-services', 'kafka-outage'];

describe('parseOptions', () => {
  it('has defaults for make drills', () => {
    expect(parseOptions([], names)).toEqual({
      only: [],
      applications: 200,
      rate: 4,
      portBase: 23000,
      recoveryTimeoutMs: 600_000,
    });
  });

  it('reads --only (repeated, comma-separated, or with =) and the numbers', () => {
    const options = parseOptions(
      [
        '--only',
        'kill-services',
        '--only=kafka-outage',
        '--applications',
        '20',
        '--rate=2.5',
        '--recovery-timeout',
        '60',
      ],
      names,
    );
    expect(options).toMatchObject({
      only: ['kill-services', 'kafka-outage'],
      applications: 20,
      rate: 2.5,
      recoveryTimeoutMs: 60_000,
    });
  });

  it('names an unknown drill, a bad number and an unknown option', () => {
    expect(() => parseOptions(['--only', 'nope'], names)).toThrow(
      new UsageError('--only: unknown drill nope; drills: kill-services, kafka-outage'),
    );
    expect(() => parseOptions(['--applications', 'many'], names)).toThrow(
      '--applications needs a number >= 4 (got "many")',
    );
    expect(() => parseOptions(['--applications'], names)).toThrow('(got nothing)');
    expect(() => parseOptions(['--fast'], names)).toThrow('unknown option --fast');
  });
});
