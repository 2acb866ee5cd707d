/**
 * `make drills`: failure drills against a stack of their own (see e2e/README.md). Each drill streams
 * applications through the sandbox, injects its fault mid-stream, and counts what was lost, duplicated or
 * visibly failed once the system is quiet. Exits 1 when any drill lost or duplicated anything.
 */
import { type DrillResult, failed, interruptDrill, runDrill } from './drill.ts';
import { parseOptions, UsageError, usage } from './options.ts';
import { allDrills } from './scenarios/index.ts';
import { failureDetails, summaryTable } from './summary.ts';

const drills = allDrills();
let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(
    process.argv.slice(2),
    drills.map((d) => d.name),
  );
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}

// Ctrl-C: stop the running drill's stack (and broker) rather than leave its processes behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the running drill's stack`);
    void interruptDrill().finally(() => process.exit(130));
  });

const selected = options.only.length > 0 ? drills.filter((d) => options.only.includes(d.name)) : drills;
const results: DrillResult[] = [];
const started = Date.now();
for (const drill of selected) {
  console.log(`\n=== drill ${drill.name}: ${drill.description} ===`);
  const result = await runDrill(drill, {
    applications: options.applications,
    rate: options.rate,
    portBase: options.portBase,
    recoveryTimeoutMs: options.recoveryTimeoutMs,
    log: (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`),
  });
  results.push(result);
  console.log(`drill ${drill.name}: ${failed(result) ? 'FAILED' : 'passed'}`);
}

console.log(`\n${summaryTable(results)}\n`);
for (const result of results.filter(failed)) {
  console.log(`${result.drill}:`);
  for (const line of failureDetails(result)) console.log(`  ${line}`);
}
console.log(`${results.length} drill(s) in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(results.some(failed) ? 1 : 0);
