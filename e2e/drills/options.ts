/** Command-line options of `make drills` (`node e2e/drills/run.ts`). */
export interface RunOptions {
  only: string[];
  applications: number;
  rate: number;
  portBase: number;
  recoveryTimeoutMs: number;
}

export const usage = `usage: node e2e/drills/run.ts [--only <drill>[,<drill>...]] [--applications N] [--rate N]
                           [--port-base N] [--recovery-timeout SECONDS]
  --only               run these drills (repeatable or comma-separated; default: all)
  --applications       applications per drill (default 200)
  --rate               applications submitted per second (default 4)
  --port-base          the drill's stack listens on N+1..N+6, its sandbox on N+1000 (default 23000)
  --recovery-timeout   longest wait for the system to catch up after a fault (default 600)`;

export class UsageError extends Error {}

export function parseOptions(args: string[], drillNames: string[]): RunOptions {
  const options: RunOptions = {
    only: [],
    applications: 200,
    rate: 4,
    portBase: 23000,
    recoveryTimeoutMs: 600_000,
  };
  const number = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < min)
      throw new UsageError(
        `${flag} needs a number >= ${min} (got ${value === undefined ? 'nothing' : `"${value}"`})`,
      );
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = (args[i] as string).split('=', 2) as [string, string | undefined];
    const value = () => inline ?? args[++i];
    switch (flag) {
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean);
        const unknown = names.filter((n) => !drillNames.includes(n));
        if (names.length === 0 || unknown.length > 0)
          throw new UsageError(
            `--only: unknown drill ${unknown.join(', ') || '(none given)'}; drills: ${drillNames.join(', ')}`,
          );
        options.only.push(...names);
        break;
      }
      case '--applications':
        options.applications = Math.floor(number(flag, value(), 4));
        break;
      case '--rate':
        options.rate = number(flag, value(), 0.1);
        break;
      case '--port-base':
        options.portBase = Math.floor(number(flag, value(), 1024));
        break;
      case '--recovery-timeout':
        options.recoveryTimeoutMs = number(flag, value(), 10) * 1000;
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return options;
}
