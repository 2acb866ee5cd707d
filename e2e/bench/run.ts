/**
 * `make bench`: benchmarks that print numbers (see e2e/bench/README.md). Each bench starts a stack of its
 * own, drives load at it and prints a table; none of them asserts a goal. Exit 1 only when a bench could
 * not run properly (a failed request, invites that never arrived, a stack that did not start).
 */
import { cpus, totalmem } from 'node:os';
import { idleBench } from './idle.ts';
import { inviteLatencyBench } from './invite-latency.ts';
import { memoryBench } from './memory.ts';
import { type BenchName, parseOptions, selected, UsageError, usage } from './options.ts';
import { remindersBench } from './reminders.ts';
import type { BenchReport } from './report.ts';
import { sustainedBench } from './sustained.ts';
import { webhookAckBench } from './webhook-ack.ts';

let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
const benches: Record<BenchName, () => Promise<BenchReport>> = {
  'webhook-ack': () => webhookAckBench(options, log),
  'invite-latency': () => inviteLatencyBench(options, log),
  memory: () => memoryBench(options, log),
  idle: () => idleBench(options, log),
  reminders: () => remindersBench(options, log),
  sustained: () => sustainedBench(options, log),
};

console.log(
  `bench: ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const reports: BenchReport[] = [];
const started = Date.now();
for (const name of selected(options)) {
  console.log(`\n=== bench ${name} ===`);
  try {
    reports.push(await benches[name]());
  } catch (error) {
    reports.push({ name, text: '', failures: [`${name}: did not run: ${(error as Error).stack ?? error}`] });
  }
}

console.log('\n=== results ===');
for (const report of reports) {
  if (report.text) console.log(`\n${report.name}\n${report.text}`);
}
const failures = reports.flatMap((r) => r.failures);
if (failures.length > 0) console.log(`\nFAILED:\n${failures.map((f) => `  ${f}`).join('\n')}`);
console.log(`\n${reports.length} bench(es) in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(failures.length > 0 ? 1 : 0);
