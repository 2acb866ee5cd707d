import { describe, expect, it } from 'vitest';
import { parseCommand } from './program.ts';

describe('support CLI arguments', () => {
  it('timeline', () => {
    expect(parseCommand(['timeline', 'entrata:demo-pm:1', '--unmask', '--reason', 'INC-9 dispute'])).toEqual({
      name: 'timeline',
      id: 'entrata:demo-pm:1',
      unmask: true,
      reason: 'INC-9 dispute',
      json: false,
    });
    expect(parseCommand(['timeline', 'entrata:demo-pm:1'])).toEqual({
      name: 'timeline',
      id: 'entrata:demo-pm:1',
      unmask: false,
      json: false,
    });
    expect(() => parseCommand(['timeline'])).toThrow("timeline: missing required argument 'applicationId'");
    const id = '0b6c1b7e-8f1c-4d0e-9a8e-3f1f0e2a4b5c';
    expect(() => parseCommand(['timeline', id, 'b'])).toThrow(/timeline: too many arguments/);
    expect(() => parseCommand(['timeline', id, '--unmasked'])).toThrow(
      /timeline: unknown option '--unmasked'\n\(Did you mean --unmask\?\)/,
    );
  });

  it('unmasking needs a reason; a reason needs --unmask', () => {
    expect(() => parseCommand(['timeline', 'entrata:demo-pm:1', '--unmask'])).toThrow(
      'timeline --unmask: --reason "<why>" is required (it is recorded)',
    );
    expect(() => parseCommand(['timeline', 'entrata:demo-pm:1', '--unmask', '--reason', ' x'])).toThrow(
      /must say why/,
    );
    expect(() => parseCommand(['timeline', 'entrata:demo-pm:1', '--reason', 'INC-9'])).toThrow(
      'timeline: --reason goes with --unmask',
    );
  });

  it('audit, all of it or one action', () => {
    expect(parseCommand(['audit'])).toEqual({ name: 'audit', limit: 20, json: false });
    expect(parseCommand(['audit', '--action', 'timeline.unmask', '--limit', '5'])).toEqual({
      name: 'audit',
      limit: 5,
      action: 'timeline.unmask',
      json: false,
    });
    expect(() => parseCommand(['audit', '--action', 'DROP TABLE'])).toThrow(/--action is an action name/);
  });

  it('an application id that cannot be one is a usage error, not an empty timeline', () => {
    expect(() => parseCommand(['timeline', '2000001x'])).toThrow(
      /timeline: "2000001x" is neither our application id/,
    );
    expect(() => parseCommand(['timeline', 'entrata:demo-pm:2000001x'])).toThrow(
      'timeline: Entrata application ids are numbers (got "2000001x")',
    );
    expect(() => parseCommand(['timeline', '2000001'])).toThrow(
      'timeline: "2000001" looks like Entrata\'s application id: give it as entrata:<tenant>:2000001',
    );
    expect(() => parseCommand(['replay', '--application', 'x1', '--reason', 'abc'])).toThrow(
      /replay: "x1" is neither/,
    );
  });

  it('replay of an application or a tenant range', () => {
    expect(
      parseCommand(['replay', '--application', 'entrata:acme:1', '--dry-run', '--reason', 'INC-1 lost']),
    ).toEqual({
      name: 'replay',
      scope: { applicationId: 'entrata:acme:1' },
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
    expect(() => parseCommand(['replay', '--application', 'entrata:acme:1'])).toThrow(
      /--reason "<why>" is required/,
    );
    expect(() => parseCommand(['replay', '--application', 'entrata:acme:1', '--reason', ' '])).toThrow(
      /must say why/,
    );
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
    expect(() => parseCommand(['dead-letters', 'show', 'notify'])).toThrow(
      "dead-letters show: missing required argument 'partition'",
    );
    expect(() => parseCommand(['dead-letters', 'purge'])).toThrow("dead-letters: unknown command 'purge'");
    expect(() => parseCommand(['dead-letters'])).toThrow(
      /dead-letters: which one\?[\s\S]*list[\s\S]*redrive/,
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
    expect(() => parseCommand(['tenant', 'check'])).toThrow(
      "tenant check: missing required argument 'tenant'",
    );
    expect(() => parseCommand(['tenant', 'list'])).toThrow("tenant: unknown command 'list'");
  });

  it('outbox', () => {
    expect(parseCommand(['outbox', 'list', 'notify'])).toEqual({
      name: 'outbox list',
      service: 'notify',
      limit: 100,
      json: false,
    });
    expect(parseCommand(['outbox', 'requeue', 'invite', '42', '--reason', 'INC-11 fixed'])).toEqual({
      name: 'outbox requeue',
      service: 'invite',
      id: '42',
      reason: 'INC-11 fixed',
      json: false,
    });
    expect(() => parseCommand(['outbox', 'discard', 'invite', '42'])).toThrow(
      'outbox discard: --reason "<why>" is required',
    );
    expect(() => parseCommand(['outbox', 'discard', 'invite', 'x1', '--reason', 'abc'])).toThrow(
      'outbox discard: id must be a row id (got "x1")',
    );
    expect(() => parseCommand(['outbox', 'list', 'support'])).toThrow(
      'outbox list: unknown service "support" (known: ingest, invite, reminder, notify, report-sync)',
    );
    expect(() => parseCommand(['outbox', 'purge'])).toThrow("outbox: unknown command 'purge'");
  });

  it('help, per-command help, version and unknown commands', () => {
    const help = parseCommand([]);
    expect(help).toMatchObject({ name: 'help', text: expect.stringContaining('Usage: support') });
    expect(parseCommand(['--help'])).toMatchObject({ text: expect.stringMatching(/Exit codes: 0 done/) });
    const timelineHelp = parseCommand(['timeline', '--help']);
    expect(timelineHelp).toMatchObject({
      name: 'help',
      text: expect.stringContaining('Usage: support timeline [options] <applicationId>'),
    });
    expect(parseCommand(['help', 'dead-letters', 'redrive'])).toMatchObject({
      text: expect.stringContaining('--force'),
    });
    expect(parseCommand(['--version'])).toEqual({ name: 'help', text: 'support 1.0.0\n' });
    expect(() => parseCommand(['frobnicate'])).toThrow("unknown command 'frobnicate'");
  });
});
