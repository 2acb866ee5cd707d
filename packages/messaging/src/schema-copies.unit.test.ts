/**
 * The messaging tables are copied into every service's schema.prisma (each service owns its database): the
 * copies must stay identical to prisma/messaging.prisma, or a service's relay or consumer would run against
 * a table it does not know.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const schemas = [
  'services/ingest',
  'services/invite',
  'services/reminder',
  'services/notify',
  'services/report-sync',
  'tools/support',
];
const models = ['OutboxMessage', 'OutboxFailedMessage', 'InboxMessage'];

/** The model block with the doc comment right above it, trailing spaces removed. */
function modelBlock(schema: string, model: string): string | undefined {
  const match = new RegExp(`((?:^///.*\\n)*)^model ${model} \\{\\n[\\s\\S]*?^\\}`, 'm').exec(schema);
  return match?.[0].replace(/[ \t]+$/gm, '');
}

const canonical = readFileSync(new URL('prisma/messaging.prisma', new URL('../', import.meta.url)), 'utf8');

describe('the messaging models in every service schema', () => {
  it.each(schemas)(
    '%s has the outbox, outbox_failed and inbox models of messaging.prisma, unchanged',
    (dir) => {
      const schema = readFileSync(new URL(`${dir}/prisma/schema.prisma`, root), 'utf8');
      for (const model of models) {
        const expected = modelBlock(canonical, model);
        expect(expected, `${model} in messaging.prisma`).toBeDefined();
        expect(modelBlock(schema, model), `${model} in ${dir}`).toBe(expected);
      }
    },
  );
});
