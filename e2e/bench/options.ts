/** Command-line options of `make bench` (`node e2e/bench/run.ts`). */
export const benchNames = [
  'webhook-ack',
  'invite-latency',
  'memory',
  'idle',
  'reminders',
  'sustained',
] as const;
export type BenchName = (typeof benchNames)[number];

export interface BenchOptions {
  only: BenchName[];
  /** Applications submitted by the invite-latency and memory benches. */
  applications: number;
  /** Applications submitted per second. */
  rate: number;
  /** Webhooks per concurrency level in the webhook-ack bench (and the memory bench's webhook phase). */
  requests: number;
  /** Seconds the idle bench measures CPU over. */
  idleSeconds: number;
  /** Pending reminders the reminders bench fills the queue with, at most. */
  pending: number;
  portBase: number;
}

export const usage = `usage: node e2e/bench/run.ts [--only <bench>[,<bench>...]] [--applications N] [--requests N]
                          [--rate N] [--idle-seconds N] [--pending N] [--port-base N]
  --only          run these benches (repeatable or comma-separated; default: all): ${benchNames.join(', ')}
  --applications  applications submitted by invite-latency and memory (default 50)
  --requests      webhooks per concurrency level in webhook-ack (default 1000)
  --rate          applications submitted per second (default 1)
  --idle-seconds  the idle bench's CPU window (default 30)
  --pending       pending reminders the reminders bench ends with (default 1000000)
  --port-base     each bench's stack listens on N+1..N+6, its sandbox on N+1000 (default 26000; below the
                  kernel's ephemeral port range 32768-60999, where a client connection may hold a port)`;

export class UsageError extends Error {}

export function parseOptions(args: string[]): BenchOptions {
  const options: BenchOptions = {
    only: [],
    applications: 50,
    rate: 1,
    requests: 1000,
    idleSeconds: 30,
    pending: 1_000_000,
    portBase: 26000,
  };
  const number = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < min)
      throw new UsageError(
        `${flag} needs a number >= ${min} (got ${value === undefined ? 'nothing' : `"${value}"`})`,
      );
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i] as string);
    const value = () => inline ?? args[++i];
    switch (flag) {
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean);
        const unknown = names.filter((n) => !(benchNames as readonly string[]).includes(n));
        if (names.length === 0 || unknown.length > 0)
          throw new UsageError(
            `--only: unknown bench ${unknown.join(', ') || '(none given)'}; benches: ${benchNames.join(', ')}`,
          );
        for (const name of names as BenchName[]) if (!options.only.includes(name)) options.only.push(name);
        break;
      }
      case '--applications':
        options.applications = Math.floor(number(flag, value(), 1));
        break;
      case '--requests':
        options.requests = Math.floor(number(flag, value(), 1));
        break;
      case '--idle-seconds':
        options.idleSeconds = number(flag, value(), 1);
        break;
      case '--pending':
        options.pending = Math.floor(number(flag, value(), 0));
        break;
      case '--rate':
        options.rate = number(flag, value(), 0.01);
        break;
      case '--port-base':
        options.portBase = Math.floor(number(flag, value(), 1024));
        if (options.portBase + 1025 > 65_535) throw new UsageError('--port-base: must be at most 64510');
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return options;
}

/** `--flag=value` or `--flag value`. */
function splitFlag(arg: string): [string, string | undefined] {
  const index = arg.indexOf('=');
  return index < 0 ? [arg, undefined] : [arg.slice(0, index), arg.slice(index + 1)];
}

/** The benches to run, in the documented order. */
export const selected = (options: BenchOptions): BenchName[] =>
  options.only.length === 0 ? [...benchNames] : benchNames.filter((n) => options.only.includes(n));
