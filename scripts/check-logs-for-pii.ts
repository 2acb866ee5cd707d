/**
 * Fails when a log file holds an email address or phone number in clear.
 *
 *   node scripts/check-logs-for-pii.ts <log file>... [--allow <regex>]...
 *
 * Exit 0: clean; 1: findings (each printed as `file:line: <the line, masked>`); 2: usage or unreadable file.
 *
 * "In clear" means what @autoverify/logger would mask: the check uses the logger's own detection, so its
 * masked forms (`a***@e***.com`, `+*********67`) pass, and anything that reached the file without going
 * through the logger (console output, a library printing on its own, a stack's own lines) is caught.
 * `--allow` exempts known non-personal addresses (e.g. a tenant's sender address) by regex.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { redactText } from '../packages/logger/src/mask.ts';

export interface PiiFinding {
  /** 1-based line number. */
  line: number;
  /** The line with every email/phone masked, shortened: safe to print. */
  masked: string;
}

const MAX_SHOWN = 300;

/** The masked line when `line` has personal data in clear (after removing allowed matches), else undefined. */
export function scanLine(line: string, allow: readonly RegExp[] = []): string | undefined {
  let checked = line;
  for (const pattern of allow) checked = checked.replace(globally(pattern), '');
  if (redactText(checked) === checked) return undefined;
  const masked = redactText(line);
  return masked.length > MAX_SHOWN ? `${masked.slice(0, MAX_SHOWN)}…` : masked;
}

export function findPii(text: string, allow: readonly RegExp[] = []): PiiFinding[] {
  const findings: PiiFinding[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const masked = scanLine(line, allow);
    if (masked !== undefined) findings.push({ line: i + 1, masked });
  });
  return findings;
}

function globally(pattern: RegExp): RegExp {
  return pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
}

export function parseArgs(argv: readonly string[]): { files: string[]; allow: RegExp[] } | { error: string } {
  const files: string[] = [];
  const allow: RegExp[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--allow') {
      const source = argv[++i];
      if (source === undefined) return { error: '--allow needs a regular expression' };
      try {
        allow.push(new RegExp(source, 'g'));
      } catch (error) {
        return { error: `--allow ${source}: ${(error as Error).message}` };
      }
    } else if (arg.startsWith('--')) return { error: `unknown option ${arg}` };
    else files.push(arg);
  }
  if (files.length === 0) return { error: 'no log file given' };
  return { files, allow };
}

async function scanFile(file: string, allow: RegExp[], report: (line: string) => void): Promise<number> {
  let count = 0;
  let n = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    n++;
    const masked = scanLine(line, allow);
    if (masked === undefined) continue;
    count++;
    report(`${file}:${n}: ${masked}`);
  }
  return count;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    console.error(`check-logs-for-pii: ${args.error}`);
    console.error('usage: node scripts/check-logs-for-pii.ts <log file>... [--allow <regex>]...');
    return 2;
  }
  let total = 0;
  for (const file of args.files) {
    try {
      total += await scanFile(file, args.allow, (line) => console.error(line));
    } catch (error) {
      console.error(`check-logs-for-pii: cannot read ${file}: ${(error as Error).message}`);
      return 2;
    }
  }
  if (total > 0) {
    console.error(`check-logs-for-pii: ${total} line(s) with an email address or phone number in clear`);
    return 1;
  }
  console.log(`check-logs-for-pii: ${args.files.length} file(s) clean`);
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
