import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';
import { memoryEnv, memoryNodeOptions, runtimeEnv, serviceNodeArgs } from './runtime-env.ts';

/** `ENV NAME=value ...` lines of the Dockerfile (values optionally in double quotes). */
function dockerfileEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').split('\n')) {
    if (!/^ENV\s/.test(line)) continue;
    for (const [, name, quoted, bare] of line.matchAll(/([A-Z_][A-Z0-9_]*)=(?:"([^"]*)"|(\S+))/g)) {
      env[name as string] = quoted ?? bare ?? '';
    }
  }
  return env;
}

/** The final stage's `CMD [...]` (JSON form). */
function dockerfileCmd(): string[] {
  const line = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
    .split('\n')
    .findLast((l) => /^CMD\s/.test(l));
  return JSON.parse(line?.replace(/^CMD\s+/, '') ?? '[]') as string[];
}

describe('serviceNodeArgs', () => {
  it("is the image's CMD, so the local stack runs the same compiled code the same way", () => {
    expect(dockerfileCmd()).toEqual(['node', ...serviceNodeArgs]);
  });
});

describe('runtimeEnv', () => {
  it('is what the image sets, so the local stack measures what runs in the pods', () => {
    expect(dockerfileEnv()).toMatchObject({ ...memoryEnv, NODE_OPTIONS: memoryNodeOptions });
  });

  it("adds the memory flags after the caller's NODE_OPTIONS instead of replacing them", () => {
    expect(runtimeEnv({ NODE_OPTIONS: '--inspect' }).NODE_OPTIONS).toBe(`--inspect ${memoryNodeOptions}`);
    expect(runtimeEnv({})).toEqual({ ...memoryEnv, NODE_OPTIONS: memoryNodeOptions });
  });
});
