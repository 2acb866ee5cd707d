// Regenerates the committed artifacts: JSON Schemas of every event version and the AsyncAPI document.
// Run `pnpm --filter @autoverify/contracts export` after adding an event or a new event version.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApiDocument } from './asyncapi.ts';
import { eventJsonSchemas } from './json-schemas.ts';

export const artifactsDir = join(import.meta.dirname, '..', '..');
export const schemasDir = join(artifactsDir, 'schemas');
export const serialise = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

if (import.meta.main) {
  mkdirSync(schemasDir, { recursive: true });
  for (const [key, schema] of eventJsonSchemas())
    writeFileSync(join(schemasDir, `${key}.json`), serialise(schema));
  writeFileSync(join(artifactsDir, 'asyncapi.json'), serialise(buildAsyncApiDocument()));
  console.log(`wrote ${eventJsonSchemas().size} schemas to ${schemasDir} and asyncapi.json`);
}
