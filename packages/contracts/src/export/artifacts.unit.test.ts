import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { buildAsyncApiDocument } from './asyncapi.ts';
import { eventJsonSchemas } from './json-schemas.ts';
import { artifactsDir, schemasDir, serialise } from './write-artifacts.ts';

const fix = 'run `pnpm --filter @autoverify/contracts export` and commit the result';

describe('published event schemas (compatibility snapshot)', () => {
  const generated = eventJsonSchemas();
  const committed = readdirSync(schemasDir).filter((f) => f.endsWith('.json'));

  it('never changes a published event version: add a new version instead', () => {
    for (const file of committed) {
      const key = file.replace(/\.json$/, '');
      const current = generated.get(key);
      expect(
        current,
        `${key} was published but is no longer defined; keep it until no consumer reads it`,
      ).toBeDefined();
      expect(
        serialise(current),
        `${key} changed incompatibly: publish ${key.replace(/v(\d+)$/, (_, v) => `v${Number(v) + 1}`)} instead`,
      ).toBe(readFileSync(join(schemasDir, file), 'utf8'));
    }
  });

  it('has a committed snapshot for every event version', () => {
    for (const key of generated.keys())
      expect(existsSync(join(schemasDir, `${key}.json`)), `${key}: ${fix}`).toBe(true);
  });
});

describe('AsyncAPI document', () => {
  it('is a valid AsyncAPI 3 document', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(buildAsyncApiDocument()));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document?.channels().length).toBeGreaterThan(5);
    expect(document?.messages().length).toBe(generated().size);
  });

  it('is committed up to date', () => {
    expect(readFileSync(join(artifactsDir, 'asyncapi.json'), 'utf8'), fix).toBe(
      serialise(buildAsyncApiDocument()),
    );
  });
});

const generated = () => eventJsonSchemas();
