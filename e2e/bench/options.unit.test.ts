import { describe, expect, it } from 'vitest';
import { parseOptions, selected, UsageError } from './options.ts';

describe('bench options', () => {
  it('defaults to every bench, 50 applications at 1/s, 1000 requests per level, ports from 26000', () => {
    const options = parseOptions([]);
    expect(options).toEqual({
      only: [],
      applications: 50,
      rate: 1,
      requests: 1000,
      idleSeconds: 30,
      pending: 1_000_000,
      portBase: 26000,
    });
    expect(selected(options)).toEqual([
      'webhook-ack',
      'invite-latency',
      'memory',
      'idle',
      'reminders',
      'sustained',
    ]);
  });

  it('reads --flag value and --flag=value, and --only repeated or comma-separated, in the documented order', () => {
    const options = parseOptions([
      '--only',
      'memory',
      '--only=webhook-ack,memory',
      '--applications=20',
      '--requests',
      '300',
    ]);
    expect(options.only).toEqual(['memory', 'webhook-ack']);
    expect(selected(options)).toEqual(['webhook-ack', 'memory']);
    expect(options.applications).toBe(20);
    expect(options.requests).toBe(300);
  });

  it.each([
    [
      ['--only', 'speed'],
      /unknown bench speed; benches: webhook-ack, invite-latency, memory, idle, reminders, sustained/,
    ],
    [['--only'], /unknown bench \(none given\)/],
    [['--applications', '0'], /--applications needs a number >= 1 \(got "0"\)/],
    [['--requests', 'many'], /--requests needs a number >= 1 \(got "many"\)/],
    [['--rate'], /--rate needs a number >= 0.01 \(got nothing\)/],
    [['--port-base', '65000'], /at most 64510/],
    [['--fast'], /unknown option --fast/],
  ])('refuses %j with a clear message', (args, message) => {
    expect(() => parseOptions(args)).toThrow(UsageError);
    expect(() => parseOptions(args)).toThrow(message);
  });
});
