import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Resolves once the process has exited. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  exited(): boolean;
  /** How it ended ("code 1", "SIGKILL"), once it has. */
  exitStatus(): string | undefined;
  /** Its last lines of output (stdout and stderr), for an error that says why it died. */
  recentOutput(): string[];
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Where each output line goes, prefixed with the process name. */
  output?: (line: string) => void;
}

const colours = [36, 33, 35, 32, 34, 31, 96, 93];
const RECENT_LINES = 15;
let nextColour = 0;

export function spawnManaged(options: SpawnOptions): ManagedProcess {
  const colour = colours[nextColour++ % colours.length];
  const prefix = process.stdout.isTTY
    ? `\u001b[${colour}m${options.name.padEnd(12)}\u001b[0m`
    : options.name.padEnd(12);
  const output = options.output;
  const recent: string[] = [];
  // A log file gets the plain name (no colours), so its lines still say which process wrote them.
  const print = output
    ? (line: string) => output(`${options.name.padEnd(12)} ${line}`)
    : (line: string) => process.stdout.write(`${prefix} ${line}\n`);
  const write = (line: string) => {
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    print(line);
  };
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exitStatus: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitStatus = signal ?? `code ${code}`;
      write(`exited (${exitStatus})`);
      resolve();
    }),
  );
  pipeLines(child.stdout, write);
  pipeLines(child.stderr, write);
  return {
    name: options.name,
    pid: child.pid,
    exited: () => exitStatus !== undefined,
    exitStatus: () => exitStatus,
    recentOutput: () => [...recent],
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (exitStatus !== undefined) return;
      child.kill(signal);
      const timedOut = await Promise.race([exit.then(() => false), sleep(timeoutMs).then(() => true)]);
      if (timedOut) {
        child.kill('SIGKILL');
        await exit;
      }
    },
  };
}

function pipeLines(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (!stream) return;
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let index = buffer.indexOf('\n');
    while (index >= 0) {
      write(buffer.slice(0, index));
      buffer = buffer.slice(index + 1);
      index = buffer.indexOf('\n');
    }
  });
  stream.on('end', () => buffer && write(buffer));
}

class ExitedBeforeReady extends Error {}

/**
 * Spawns a process and waits until readyUrl answers. One that exits first is started again after a pause
 * (1 s, then 2 s), as Kubernetes restarts a pod whose container exited: a service may exit at start-up on a
 * passing condition (PostgreSQL out of connections while another stack on the machine peaks). Each restart is
 * logged with the reason; the last failure carries the process's last lines of output.
 */
export async function startUntilReady(
  spawn: () => ManagedProcess,
  readyUrl: string,
  { attempts = 3, log }: { attempts?: number; log: (message: string) => void },
): Promise<ManagedProcess> {
  for (let attempt = 1; ; attempt++) {
    const child = spawn();
    try {
      await waitForHttp(readyUrl, { isAlive: () => !child.exited() });
      return child;
    } catch (error) {
      if (!(error instanceof ExitedBeforeReady)) throw error;
      const why = `${child.name} exited during start-up (${child.exitStatus()}); its last output:\n${child.recentOutput().join('\n')}`;
      if (attempt >= attempts) throw new Error(`${why}\n(started ${attempts} times)`);
      log(`${why}\nstarting ${child.name} again in ${attempt} s`);
      await sleep(attempt * 1000);
    }
  }
}

/**
 * Polls a URL until it answers 2xx. The default wait is long on purpose: a process that dies fails at once
 * (isAlive), so the limit only matters for one that is slow, and on a loaded 2-core machine five services
 * starting together have taken over 60 s to listen.
 */
export async function waitForHttp(
  url: string,
  {
    timeoutMs = 300_000,
    isAlive = (): boolean => true,
  }: { timeoutMs?: number; isAlive?: () => boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new ExitedBeforeReady(`${url}: the process exited before it became healthy`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms (last: ${last})`);
}

/** Runs a command to completion, failing with its output when it exits non-zero. */
export function runToCompletion(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with code ${code}:\n${output}`)),
    );
  });
}
