import { describe, expect, it } from 'vitest';
import { parseCommand } from './args.ts';

describe('support CLI arguments', () => {
  it('timeline', () => {
    expect(parseCommand(['timeline', 'entrata:demo-pm:1', '--unmask'])).toEqual({
      name: 'timeline',
      id: 'entrata:demo-pm:1',
      unmask: true,
      json: false,
    });
    expect(() => parseCommand(['timeline'])).toThrow('timeline: missing <applicationId>');
    expect(() => parseCommand(['timeline', 'a', 'b'])).toThrow('timeline: unexpected argument "b"');
    expect(() => parseCommand(['timeline', 'a', '--unmasked'])).toThrow(
      /timeline: Unknown option '--unmasked'/,
    );
  });

  it('replay of an application or a tenant range', () => {
    expect(parseCommand(['replay', '--application', 'a1', '--dry-run', '--reason', 'INC-1 lost'])).toEqual({
      name: 'replay',
      scope: { applicationId: 'a1' },
      dryRun: true,
      reason: 'INC-1 lost',
      json: false,
    });
    expect(
      parseCommand([
        'replay',
        '--tenant',
        'demo-pm',
        '--from',
        '2026-11-24T00:00:00+01:00',
        '--to',
        '2026-11-25T00:00:00Z',
        '--to-consumer',
        'reminder',
        '--reason',
        'INC-2',
      ]),
    ).toEqual({
      name: 'replay',
      scope: { tenantId: 'demo-pm', from: '2026-11-23T23:00:00.000Z', to: '2026-11-25T00:00:00.000Z' },
      target: 'reminder',
      dryRun: false,
      reason: 'INC-2',
      json: false,
    });
  });

  it('replay usage errors', () => {
    expect(() => parseCommand(['replay', '--reason', 'x y z'])).toThrow(/say what to replay/);
    expect(() => parseCommand(['replay', '--application', 'a'])).toThrow(/--reason "<why>" is required/);
    expect(() => parseCommand(['replay', '--application', 'a', '--reason', ' '])).toThrow(/must say why/);
    expect(() => parseCommand(['replay', '--application', 'a', '--tenant', 't', '--reason', 'abc'])).toThrow(
      /not both/,
    );
    expect(() =>
      parseCommand(['replay', '--tenant', 't', '--from', '2026-11-24', '--reason', 'abc']),
    ).toThrow(/--from must be an ISO date-time with a zone/);
    expect(() =>
      parseCommand([
        'replay',
        '--tenant',
        't',
        '--from',
        '2026-11-25T00:00:00Z',
        '--to',
        '2026-11-24T00:00:00Z',
        '--reason',
        'abc',
      ]),
    ).toThrow(/--from must be before --to/);
  });

  it('dead letters', () => {
    expect(parseCommand(['dead-letters', 'list', '--consumer', 'notify'])).toEqual({
      name: 'dead-letters list',
      consumer: 'notify',
      last: 50,
      json: false,
    });
    expect(
      parseCommand(['dead-letters', 'redrive', 'notify', '0', '12', '--reason', 'fixed in 1.2', '--force']),
    ).toEqual({
      name: 'dead-letters redrive',
      consumer: 'notify',
      partition: 0,
      offset: '12',
      reason: 'fixed in 1.2',
      force: true,
      json: false,
    });
    expect(() => parseCommand(['dead-letters', 'list'])).toThrow(/--consumer <service> is required/);
    expect(() => parseCommand(['dead-letters', 'show', 'notify', 'x', '1'])).toThrow(
      /partition must be a number/,
    );
    expect(() => parseCommand(['dead-letters', 'show', 'notify'])).toThrow(/missing <partition> <offset>/);
    expect(() => parseCommand(['dead-letters', 'purge'])).toThrow(
      /expected list, show or redrive \(got "purge"\)/,
    );
    expect(() => parseCommand(['dead-letters', 'list', '--consumer', 'n', '--last', '0'])).toThrow(
      /from 1 to 1000/,
    );
  });

  it('explicit re-runs', () => {
    expect(parseCommand(['reupload-report', 'rep_9', '--reason', 'deleted in Entrata'])).toMatchObject({
      name: 'reupload-report',
      reportId: 'rep_9',
    });
    expect(parseCommand(['retry-report', 'rep_8', '--reason', 'Entrata was down'])).toMatchObject({
      name: 'retry-report',
      reportId: 'rep_8',
    });
    expect(parseCommand(['resend-invite', 'a', 'b', 'income', '--reason', 'new phone'])).toMatchObject({
      name: 'resend-invite',
      applicationId: 'a',
      applicantId: 'b',
      kind: 'income',
    });
    expect(
      parseCommand([
        'resend-invite',
        'a',
        'b',
        'identity',
        '--channel',
        'sms',
        '--channel',
        'sms',
        '--reason',
        'abc',
      ]),
    ).toMatchObject({ channels: ['sms'] });
    expect(() =>
      parseCommand(['resend-invite', 'a', 'b', 'identity', '--channel', 'fax', '--reason', 'abc']),
    ).toThrow(/--channel must be email or sms/);
    expect(() => parseCommand(['resend-invite', 'a', 'b', 'assets', '--reason', 'abc'])).toThrow(
      /kind must be income or identity/,
    );
  });

  it('tenant check', () => {
    expect(parseCommand(['tenant', 'check', 'acme-living'])).toEqual({
      name: 'tenant check',
      tenantId: 'acme-living',
      json: false,
    });
    expect(parseCommand(['tenant', 'check', 'acme', '--json'])).toMatchObject({ json: true });
    expect(() => parseCommand(['tenant', 'check'])).toThrow('tenant check: missing <tenant>');
    expect(() => parseCommand(['tenant', 'list'])).toThrow('tenant: expected check (got "list")');
  });

  it('help and unknown commands', () => {
    expect(parseCommand([])).toEqual({ name: 'help' });
    expect(() => parseCommand(['frobnicate'])).toThrow('unknown command "frobnicate"');
  });
});
