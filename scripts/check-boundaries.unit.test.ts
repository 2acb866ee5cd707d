import { describe, expect, it } from 'vitest';
import { dependencyViolations, importViolations } from './check-boundaries.ts';

const pkg = (name: string, dependencies: string[] = []) => ({ name, dir: name, dependencies });

describe('dependencyViolations', () => {
  it('passes a runtime graph of runtime packages and libraries', () => {
    expect(
      dependencyViolations([
        pkg('@autoverify/ingest', ['@autoverify/messaging', 'fastify']),
        pkg('@autoverify/messaging', ['kafkajs']),
        pkg('@autoverify/testing', ['testcontainers', '@autoverify/messaging']),
      ]),
    ).toEqual([]);
  });

  it('names the path by which a runtime package reaches a test-only package, even transitively', () => {
    expect(
      dependencyViolations([
        pkg('@autoverify/ingest', ['@autoverify/entrata-client']),
        pkg('@autoverify/entrata-client', ['@autoverify/sandbox']),
        pkg('@autoverify/sandbox'),
      ]),
    ).toEqual([
      '@autoverify/ingest: @autoverify/ingest -> @autoverify/entrata-client -> @autoverify/sandbox (test-only: move it to devDependencies)',
      '@autoverify/entrata-client: @autoverify/entrata-client -> @autoverify/sandbox (test-only: move it to devDependencies)',
    ]);
  });

  it('refuses test-only libraries in a runtime package', () => {
    expect(dependencyViolations([pkg('@autoverify/messaging', ['testcontainers'])])).toHaveLength(1);
    expect(dependencyViolations([pkg('@autoverify/messaging', ['@testcontainers/kafka'])])).toHaveLength(1);
  });
});

describe('importViolations', () => {
  it('flags a runtime source file importing a test-only package, and passes tests beside the code', () => {
    const files = [
      { path: 'src/a.ts', text: "import { x } from '@autoverify/testing';\nimport 'fastify';" },
      { path: 'src/b.ts', text: "const s = await import('@autoverify/sandbox/x');" },
      { path: 'src/a.unit.test.ts', text: "import { it } from 'vitest';" },
    ];
    expect(importViolations('@autoverify/notify', files)).toEqual([
      '@autoverify/notify: src/a.ts imports @autoverify/testing (test-only)',
      '@autoverify/notify: src/b.ts imports @autoverify/sandbox/x (test-only)',
    ]);
    expect(importViolations('@autoverify/service-testing', files)).toEqual([]);
  });
});
