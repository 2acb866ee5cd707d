import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ManagedProcess, spawnManaged, startUntilReady } from './processes.ts';

const started: ManagedProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A node process running `script`, its output kept by the test. */
function nodeProcess(script: string, lines: string[]): () => ManagedProcess {
  return () => {
    const child = spawnManaged({
      name: 'fixture',
      command: process.execPath,
      args: ['-e', script],
      cwd: process.cwd(),
      env: {},
      output: (line) => lines.push(line),
    });
    started.push(child);
    return child;
  };
}

describe('startUntilReady', () => {
  it('starts a process again that exited during start-up, and logs why', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const logged: string[] = [];
    let attempts = 0;
    const spawn = nodeProcess(
      `const http = require('node:http');
       http.createServer((_, res) => res.end('ok')).listen(${port}, '127.0.0.1');`,
      lines,
    );
    const failingOnce = () => {
      attempts++;
      return attempts === 1
        ? nodeProcess(`console.error('sorry, too many clients already'); process.exit(1);`, lines)()
        : spawn();
    };

    const child = await startUntilReady(failingOnce, `http://127.0.0.1:${port}/`, {
      log: (message) => logged.push(message),
    });

    expect(attempts).toBe(2);
    expect(child.exited()).toBe(false);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('fixture exited during start-up (code 1)');
    expect(logged[0]).toContain('sorry, too many clients already');
  });

  it('gives up after the last attempt with the process output in the error', async () => {
    const port = await freePort();
    const logged: string[] = [];
    const spawn = nodeProcess(`console.error('DATABASE_URL is not set'); process.exit(1);`, []);

    const failure = startUntilReady(spawn, `http://127.0.0.1:${port}/`, {
      attempts: 2,
      log: (message) => logged.push(message),
    });

    await expect(failure).rejects.toThrow(/exited during start-up \(code 1\)[\s\S]*DATABASE_URL is not set/);
    expect(logged).toHaveLength(1);
  });
});
