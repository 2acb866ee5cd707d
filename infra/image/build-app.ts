// The steps that turn the repository into one application's runtime folder. The Dockerfile runs them
// (one RUN per step, so Docker caches the dependency install), and infra/image/test does the same into a
// temporary folder and starts the service from it: both run this file, so they cannot drift apart.
//
//   node build-app.ts prune <app dir> <out>   (repo root) turbo prune --docker into <out>: json/ holds the
//                                             manifests + lockfile, full/ the sources (+ the root tsconfigs)
//   node build-app.ts install                 (in the app folder, json/ copied in) frozen install, all deps
//   node build-app.ts finish <app dir>        (same folder, full/ copied over it) prisma generate, compile,
//                                             then production dependencies only, and no test code or
//                                             dev-only workspace packages (sandbox, test helpers, testcontainers)
//   node build-app.ts compile <app dir>...    (repo root) the apps' production closure from src/*.ts to
//                                             dist/*.js (tsconfig.build.json); the local stack runs it too
//
// Services run compiled JavaScript (dist/, through the `autoverify-compiled` export condition): type
// stripping at run time costs every process ~17 MiB (Node's amaro: its WASM and its source; e2e/bench/README.md,
// 2026-12-06). src/ stays for the one-off commands (migrations, create-topics) that run it directly.
// Workspace packages stay outside node_modules, laid out as in the repo: Node strips TypeScript types only
// outside node_modules, so `pnpm deploy` (which copies them into node_modules) does not fit.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

const run = (command: string, args: string[], cwd: string) => {
  console.log(`build-app: ${command} ${args.join(' ')}   (in ${cwd})`);
  execFileSync(command, args, { cwd, stdio: 'inherit' });
};
const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Workspace folders (relative), from pnpm-workspace.yaml's `packages:` globs of the form `dir/*` or `dir`. */
export function workspaceDirs(root: string): string[] {
  const lines = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^packages:/.test(line));
  const globs: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s*-\s*['"]?([^'"\s]+)['"]?\s*$/.exec(line);
    if (!item) break;
    globs.push(item[1] as string);
  }
  return globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) return existsSync(join(root, glob, 'package.json')) ? [glob] : [];
    const parent = glob.slice(0, -2);
    if (!existsSync(join(root, parent))) return [];
    return readdirSync(join(root, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => existsSync(join(root, dir, 'package.json')));
  });
}

/** The workspace folders the app needs at run time: itself and its `dependencies`, transitively. */
export function productionClosure(root: string, appDir: string): string[] {
  const byName = new Map(workspaceDirs(root).map((dir) => [manifest(join(root, dir)).name, dir]));
  const needed = new Set<string>([appDir]);
  const queue = [appDir];
  for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) {
    for (const [name, version] of Object.entries(manifest(join(root, dir)).dependencies ?? {})) {
      const depDir = byName.get(name);
      if (!version.startsWith('workspace:') || !depDir || needed.has(depDir)) continue;
      needed.add(depDir);
      queue.push(depDir);
    }
  }
  return [...needed].sort();
}

function prune(appDir: string, out: string): void {
  run('turbo', ['prune', manifest(appDir).name, '--docker', '--out-dir', out], process.cwd());
  // One COPY brings the manifests and the lockfile; prisma.config.ts (loaded by `prisma generate`) reads
  // the packages' tsconfig.json, which extends the root one that turbo prune leaves out; compile reads the
  // packages' tsconfig.build.json, which extends the root tsconfig.build.json.
  for (const file of ['pnpm-lock.yaml', 'pnpm-workspace.yaml'])
    renameSync(join(out, file), join(out, 'json', file));
  for (const file of ['tsconfig.base.json', 'tsconfig.build.json'])
    copyFileSync(file, join(out, 'full', file));
}

/**
 * Compiles the apps' production closure to dist/ in one `tsc -b` (typescript is a root dev dependency, there
 * before `finish` reinstalls production ones). `tsc -b` skips packages whose dist/ is newer than their
 * sources, so a repeated stack start costs about a second; `clean` removes dist/ first, for the image.
 */
export function compile(root: string, appDirs: string[], options: { clean?: boolean } = {}): void {
  const dirs = [...new Set(appDirs.flatMap((dir) => productionClosure(root, dir)))].sort();
  if (options.clean)
    for (const dir of dirs) rmSync(join(root, dir, 'dist'), { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-b', ...dirs.map((dir) => join(dir, 'tsconfig.build.json'))], root);
}

function removeTests(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(path).isDirectory()) {
      if (entry === 'test') rmSync(path, { recursive: true });
      else removeTests(path);
    } else if (/\.test\.ts$|^vitest\.config\.ts$/.test(entry)) rmSync(path);
  }
}

/** pnpm links every workspace package into its hoisted folder: drop the links to the removed ones. */
function removeDanglingLinks(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) {
      if (!existsSync(path)) rmSync(path);
    } else if (stat.isDirectory() && entry.startsWith('@')) removeDanglingLinks(path);
  }
}

function finish(appDir: string): void {
  const root = process.cwd();
  if (existsSync(join(appDir, 'prisma', 'schema.prisma')))
    run('pnpm', ['exec', 'prisma', 'generate'], join(root, appDir));
  compile(root, [appDir], { clean: true });
  const keep = productionClosure(root, appDir);
  // Reinstall from the store with production dependencies of the app's production closure only.
  for (const dir of ['.', ...workspaceDirs(root)])
    rmSync(join(root, dir, 'node_modules'), { recursive: true, force: true });
  run(
    'pnpm',
    ['install', '--frozen-lockfile', '--prod', '--offline', '--filter-prod', `${manifest(appDir).name}...`],
    root,
  );
  for (const dir of workspaceDirs(root))
    if (!keep.includes(dir)) rmSync(join(root, dir), { recursive: true });
  removeDanglingLinks(join(root, 'node_modules', '.pnpm', 'node_modules'));
  for (const dir of keep) removeTests(join(root, dir));
  console.log(`build-app: ${appDir} with ${keep.join(', ')}`);
}

const [step, ...args] = import.meta.main ? process.argv.slice(2) : [];
if (step === 'prune' && args.length === 2) prune(args[0] as string, args[1] as string);
else if (step === 'install' && args.length === 0)
  run('pnpm', ['install', '--frozen-lockfile'], process.cwd());
else if (step === 'finish' && args.length === 1) finish(args[0] as string);
else if (step === 'compile' && args.length > 0) compile(process.cwd(), args);
else if (step !== undefined) {
  console.error(
    'usage: node build-app.ts prune <app dir> <out> | install | finish <app dir> | compile <app dir>...',
  );
  process.exit(2);
}
