import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
  ready: Promise<void>;
  exited: Promise<number | null>;
}

function start(mode: string, env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['test/fixtures/service.ts'], {
    cwd: packageDir,
    env: { PATH: process.env.PATH, FIXTURE_MODE: mode, LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout?.on('data', (d) => {
    out += d;
    if (out.includes('READY')) onReady();
  });
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => out, ready, exited };
}

async function waitForOutput(run: Run, text: string): Promise<void> {
  while (!run.output().includes(text)) await new Promise((resolve) => setTimeout(resolve, 20));
}

const plain = (out: string) => out.split('\n').filter((l) => /^(HOOK|ABORTED)/.test(l));
const logs = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

describe('runService', () => {
  it('on SIGTERM aborts the signal, runs stop hooks in reverse order and exits 0', async () => {
    const run = start('ok');
    await run.ready;
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(plain(run.output())).toEqual(['ABORTED', 'HOOK http', 'HOOK kafka', 'HOOK database']);
    expect(logs(run.output()).map((l) => l.msg)).toEqual([
      'fixture started',
      'fixture stopping',
      'fixture stopped',
    ]);
  });

  it('handles SIGINT the same way', async () => {
    const run = start('ok');
    await run.ready;
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('takes SIGINT then SIGTERM (Ctrl-C under make dev) as one graceful stop', async () => {
    const run = start('ok');
    await run.ready;
    run.child.kill('SIGINT');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(plain(run.output())).toEqual(['ABORTED', 'HOOK http', 'HOOK kafka', 'HOOK database']);
  });

  it('exits at once on the same signal twice (Ctrl-C pressed again) while a hook hangs', async () => {
    const run = start('hang', { STOP_TIMEOUT_MS: '600000' });
    await run.ready;
    run.child.kill('SIGINT');
    await waitForOutput(run, 'HOOK http');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(1);
    expect(
      logs(run.output()).some((l) => l.msg === 'fixture: SIGINT again while stopping; exiting now'),
    ).toBe(true);
  });

  it('logs a configuration error in full on one line, without secrets, and exits 1', async () => {
    const run = start('config-error');
    expect(await run.exited).toBe(1);
    const fatal = logs(run.output()).find((l) => l.level === 'fatal');
    expect(fatal.msg).toBe(
      'fixture cannot start: Invalid environment configuration:\n  - PORT: must be an integer (got "x")\n  - API_KEY: must be at least 30 character(s) long (got "***")',
    );
    expect(run.output()).not.toContain('sk-live-123');
    expect(
      run
        .output()
        .split('\n')
        .filter((l) => l.includes('cannot start')),
    ).toHaveLength(1);
  });

  it('on a start-up failure stops what was already started and exits 1', async () => {
    const run = start('crash');
    expect(await run.exited).toBe(1);
    expect(plain(run.output())).toEqual(['HOOK kafka', 'HOOK database']);
    expect(logs(run.output()).find((l) => l.level === 'fatal').msg).toBe(
      'fixture cannot start: cannot connect to 127.0.0.1:9',
    );
  });

  it('exits 1 when stop hooks exceed the timeout', async () => {
    const run = start('hang', { STOP_TIMEOUT_MS: '300' });
    await run.ready;
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    expect(
      logs(run.output()).some((l) => l.level === 'error' && /did not finish within 300 ms/.test(l.msg)),
    ).toBe(true);
  });

  it('keeps stopping the rest when one hook fails, then exits 1', async () => {
    const run = start('hook-error');
    await run.ready;
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    expect(plain(run.output())).toEqual(['ABORTED', 'HOOK http', 'HOOK kafka', 'HOOK database']);
  });
});
