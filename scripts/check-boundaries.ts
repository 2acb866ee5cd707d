/**
 * Fails when code that ships can reach test-only code.
 *
 *   node scripts/check-boundaries.ts
 *
 * Exit 0: clean; 1: violations, one a line (`<package>: <path through dependencies> (<why>)`).
 *
 * knip finds undeclared and unused dependencies but has no notion of "this package must never be in that
 * package's runtime graph". A runtime package is every workspace package not named in TEST_ONLY; its
 * `dependencies` (followed transitively through workspace packages) must not reach a test-only workspace
 * package or a test-only library, and its `src/` files other than tests must not import one. Test-only
 * packages may depend on anything; runtime packages use them through `devDependencies`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Workspace packages that exist for tests and local runs; never deployed. */
export const TEST_ONLY = new Set([
  '@autoverify/testing',
  '@autoverify/service-testing',
  '@autoverify/sandbox',
  '@autoverify/stack',
  '@autoverify/e2e',
  '@autoverify/infra',
]);

/** Libraries only tests need: in a runtime graph they would ship a container client or a test runner. */
export const TEST_ONLY_LIBRARIES = ['testcontainers', 'vitest', 'fast-check', '@testcontainers/'];

export interface WorkspacePackage {
  name: string;
  dir: string;
  dependencies: string[];
}

const isTestOnly = (name: string) =>
  TEST_ONLY.has(name) ||
  TEST_ONLY_LIBRARIES.some((lib) => (lib.endsWith('/') ? name.startsWith(lib) : name === lib));

/** Paths from each runtime package through `dependencies` to something test-only. */
export function dependencyViolations(packages: WorkspacePackage[]): string[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const violations: string[] = [];
  for (const root of packages) {
    if (TEST_ONLY.has(root.name)) continue;
    const seen = new Set<string>([root.name]);
    const queue: string[][] = [[root.name]];
    while (queue.length > 0) {
      const path = queue.shift() as string[];
      const current = byName.get(path.at(-1) as string);
      for (const dep of current?.dependencies ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        if (isTestOnly(dep)) {
          violations.push(
            `${root.name}: ${[...path, dep].join(' -> ')} (test-only: move it to devDependencies)`,
          );
        } else if (byName.has(dep)) {
          queue.push([...path, dep]);
        }
      }
    }
  }
  return violations;
}

const IMPORT = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

/** Imports of test-only packages in a runtime package's source (tests beside the code excepted). */
export function importViolations(name: string, files: { path: string; text: string }[]): string[] {
  if (TEST_ONLY.has(name)) return [];
  const violations: string[] = [];
  for (const { path, text } of files) {
    if (/\.test\.ts$/.test(path)) continue;
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] as string;
      const pkg = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : (specifier.split('/')[0] as string);
      if (isTestOnly(pkg)) {
        violations.push(`${name}: ${path} imports ${specifier} (test-only)`);
      }
    }
  }
  return violations;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'generated') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function workspacePackages(root: string): WorkspacePackage[] {
  const dirs = ['packages', 'services', 'tools']
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
    .concat(['sandbox', 'e2e', 'infra'].map((dir) => join(root, dir)))
    .filter((dir) => existsSync(join(dir, 'package.json')));
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    return { name: manifest.name, dir, dependencies: Object.keys(manifest.dependencies ?? {}) };
  });
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  const packages = workspacePackages(root);
  const violations = [
    ...dependencyViolations(packages),
    ...packages.flatMap((p) =>
      importViolations(
        p.name,
        sourceFiles(join(p.dir, 'src')).map((path) => ({
          path: relative(root, path),
          text: readFileSync(path, 'utf8'),
        })),
      ),
    ),
  ];
  for (const line of violations) console.error(line);
  if (violations.length > 0) process.exit(1);
  console.log(`boundaries: ${packages.length} packages, runtime graph free of test-only code`);
}
