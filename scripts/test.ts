// `make test`: typecheck, then unit, integration and end-to-end tests against real Kafka and PostgreSQL.
// Uses KAFKA_BROKERS / DATABASE_ADMIN_URL when set; else containers where a Docker engine answers; else
// the project's own Kafka broker (stopped afterwards) and the PostgreSQL server on 127.0.0.1:5432.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKafka, ensurePostgres } from '../tools/stack/src/infrastructure.ts';

const root = join(import.meta.dirname, '..');
const started = Date.now();

function step(
  title: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
  cwd = root,
): boolean {
  console.log(`\n=== ${title} ===`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function databaseOnServer(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const kafka = await ensureKafka();
const postgres = await ensurePostgres();
const env = { KAFKA_BROKERS: kafka.address, DATABASE_ADMIN_URL: postgres.address };
for (const dir of workspaceDirs()) rmSync(join(dir, 'test-results'), { recursive: true, force: true });

// --continue: one failing package must not hide the results of the others.
const turbo = (task: string, extra: string[] = []) => [
  'exec',
  'turbo',
  'run',
  task,
  '--continue',
  '--output-logs=new-only',
  ...extra,
];
const results: Record<string, boolean> = {};
results.generate = step('generate Prisma clients', 'pnpm', turbo('generate'));
results.typecheck =
  results.generate &&
  step('typecheck', 'pnpm', turbo('typecheck')) &&
  step('typecheck scripts', 'pnpm', ['exec', 'tsc', '-p', 'scripts']);
// What `make lint` checks, so CI refuses what a reviewer would: format and lint (biome), every manifest
// listing exactly what its code imports (knip), and no test-only package in a runtime package's graph.
results.lint =
  step('lint (biome)', 'pnpm', ['exec', 'biome', 'check', '.']) &&
  step('dependencies (knip)', 'pnpm', ['exec', 'knip']) &&
  step('package boundaries', process.execPath, ['scripts/check-boundaries.ts']);
// Drift between a schema.prisma and its migrations fails the build (checked on a shadow database).
results.migrations =
  results.generate &&
  [
    'services/ingest',
    'services/invite',
    'services/reminder',
    'services/notify',
    'services/report-sync',
    'tools/support',
  ].every((dir) =>
    step(
      `migrations match the schema: ${dir}`,
      process.execPath,
      [join(root, 'packages/database/src/cli.ts'), 'check'],
      {
        ...env,
        DATABASE_URL: databaseOnServer(
          postgres.address,
          `drift_check_${dir.split('/')[1]?.replace('-', '_')}`,
        ),
      },
      join(root, dir),
    ),
  );
results.unit = step(
  'unit tests',
  'pnpm',
  // Two at a time on purpose: each vitest run uses every core itself, and ten of them at once made a parser
  // test take 12 s on a 2-core machine. Generous time-outs (vitest.shared.ts) cover the rest.
  turbo('test:unit', [
    '--concurrency=2',
    '--',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-results/unit.json',
  ]),
  env,
);
results.scripts = step('repository scripts tests', 'pnpm', [
  'exec',
  'vitest',
  'run',
  '--root',
  'scripts',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=../test-results/scripts.json',
]);
// kustomize render of every overlay, schema validation of every object (incl. Strimzi and KEDA) and the
// deployment rules (docs/operations.md); kubectl comes from Debian's packages when missing.
results.manifests =
  step('kubectl for kustomize', 'bash', ['scripts/ensure-kubectl.sh']) &&
  step('deployment manifests', 'pnpm', [
    '--filter',
    '@autoverify/infra',
    'run',
    'test:manifests',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-results/manifests.json',
  ]);
// Debian's Chromium for the support web console's browser tests (they skip, saying so, without it).
step('chromium for the web console browser tests', 'bash', ['scripts/ensure-chromium.sh']);
results.integration =
  results.generate &&
  step(
    'integration tests',
    'pnpm',
    turbo('test:integration', [
      '--concurrency=2',
      '--',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/integration.json',
    ]),
    env,
  );
/** One of the e2e package's vitest projects, with its JSON report (test-results/<name>.json) for the summary. */
const e2eProject = (title: string, name: 'e2e' | 'drill') =>
  step(
    title,
    'pnpm',
    [
      '--filter',
      '@autoverify/e2e',
      'run',
      `test:${name}`,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=test-results/${name}.json`,
    ],
    env,
  );
results.e2e = results.generate && e2eProject('end-to-end tests', 'e2e');
// After the suite's stack stopped: the drill's stack beside it would not fit a stock PostgreSQL (e2e/vitest.config.ts).
results.drill = results.generate && e2eProject('failure drill (kill -9 of notify)', 'drill');

// Personal data must never reach logs: scan what every service wrote during the end-to-end run.
const e2eLogs = recentServiceLogs(started);
results.piiInLogs =
  e2eLogs.length === 0 ||
  step('no personal data in service logs', process.execPath, ['scripts/check-logs-for-pii.ts', ...e2eLogs]);

await kafka.release();
await postgres.release();

interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}
const counts = { passed: 0, failed: 0, skipped: 0 };
// CI shows only the tail of the output, so the summary names every failure itself.
const failures: string[] = [];
for (const dir of workspaceDirs()) {
  const resultsDir = join(dir, 'test-results');
  if (!existsSync(resultsDir)) continue;
  // Only the JSON reports; the folder also holds other results (the web console's screenshots).
  for (const file of readdirSync(resultsDir).filter((name) => name.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as VitestReport;
    counts.passed += report.numPassedTests ?? 0;
    counts.failed += report.numFailedTests ?? 0;
    counts.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const testFile of report.testResults ?? []) {
      const where = testFile.name.replace(`${root}/`, '');
      const failed = (testFile.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failed)
        failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      if (failed.length === 0 && testFile.status === 'failed')
        failures.push(`${where}: ${firstLine(testFile.message)}`);
    }
  }
}
if (failures.length > 0) console.log(`\nfailed tests:\n${failures.map((line) => `  ${line}`).join('\n')}`);
const failedSteps = Object.entries(results)
  .filter(([, ok]) => !ok)
  .map(([name]) => name);
console.log(
  `\nsteps: ${Object.entries(results)
    .map(([n, ok]) => `${n} ${ok ? 'ok' : 'FAILED'}`)
    .join(', ')}`,
);
console.log(`time: ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failedSteps.length === 0 && counts.failed === 0 ? 0 : 1);

function firstLine(text: string | undefined): string {
  return (text ?? 'failed without a message').split('\n')[0]?.slice(0, 300) ?? '';
}

function recentServiceLogs(since: number): string[] {
  const stateDir = process.env.AUTOVERIFY_STATE_DIR ?? join(root, '.local');
  if (!existsSync(stateDir)) return [];
  return readdirSync(stateDir)
    .filter((name) => name.startsWith('e2e_'))
    .map((name) => join(stateDir, name, 'services.log'))
    .filter((file) => existsSync(file) && statSync(file).mtimeMs >= since);
}

function workspaceDirs(): string[] {
  return ['packages', 'services', 'tools']
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
    .concat([root, join(root, 'sandbox'), join(root, 'e2e'), join(root, 'infra')]);
}
