/**
 * Property-based tests of the webhook parsing/validation functions: whatever the body, they never throw, and
 * they either accept it (then it is schema-valid and storable) or reject it with problems naming paths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEntrataWebhook } from './entrata-webhook.ts';
import { parseStrictJson, storageProblems } from './json-safety.ts';
import { parsePlatformWebhook } from './platform-events.ts';

const RUNS = { numRuns: 500 };

/** Characters that break naive code: NUL, lone surrogates, controls, RTL override, quotes, escapes. */
const hostileChar = fc.constantFrom(
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\u0007',
  '\u001F',
  '\u007F',
  '\u202E',
  '\uFEFF',
  "'",
  '"',
  '\\',
  '%',
  '<',
  '😀',
);
const anyChar = fc.oneof(
  { weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
  { weight: 1, arbitrary: hostileChar },
);
const hostileString = fc.string({ unit: anyChar, maxLength: 40 });
const hostileJson = fc
  .jsonValue({ maxDepth: 5 })
  .chain((v) =>
    fc.oneof(
      fc.constant(v),
      fc.dictionary(hostileString, fc.oneof(hostileString, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 5 }),
    ),
  );

const problemShaped = (errors: { path: string; message: string }[]) => {
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e.path).toMatch(/^\//);
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
};

// Entrata's ids: a whole number, as a JSON number or a string of digits in its one spelling.
const idLike = fc.oneof(fc.nat().map(String), fc.nat());
const validEntrata = fc.record(
  {
    event: fc.constantFrom('application.submitted', 'lease.signed', 'applicant.updated'),
    eventId: fc.oneof(fc.uuid(), fc.nat()),
    occurredAt: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    propertyId: idLike,
    applicationId: idLike,
    leadId: fc.oneof(idLike, fc.constant(null)),
  },
  { requiredKeys: ['event', 'eventId', 'occurredAt', 'propertyId', 'applicationId'] },
);
// Documented: flat bodies, a code and the fields beside it.
const validPlatform = fc.record(
  {
    code: fc.constantFrom('REPORT_READY', 'VERIFICATION_STARTED', 'VERIFICATION_COMPLETED', 'SOMETHING_NEW'),
    verification_id: fc.uuid(),
    reason_completed: fc.constant('finished'),
    applicant_group_id: fc.uuid(),
    applicant_id: fc.uuid(),
    report_id: fc.uuid(),
    report_type: fc.constantFrom('income', 'identity', 'asset'),
  },
  { requiredKeys: ['code'] },
);

type Mutation =
  | { kind: 'delete'; key: string }
  | { kind: 'retype'; key: string; value: unknown }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'poison'; key: string; char: string };

/** `text`: required string fields, where a poisoned character is appended. */
function mutation(keys: string[], required: string[], text = required): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...required) }),
    fc.record({
      kind: fc.constant('retype' as const),
      key: fc.constantFrom(...keys),
      value: fc.oneof(fc.boolean(), fc.double(), fc.array(fc.nat(), { maxLength: 2 }), fc.object()),
    }),
    fc.record({ kind: fc.constant('extra' as const), key: hostileString, value: fc.jsonValue() }),
    fc.record({
      kind: fc.constant('poison' as const),
      key: fc.constantFrom(...text),
      char: fc.constantFrom('\u0000', '\uD800', '\u0001'),
    }),
  );
}

function apply(body: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const out = { ...body };
  if (m.kind === 'delete') delete out[m.key];
  else if (m.kind === 'retype' || m.kind === 'extra') out[m.key] = m.value;
  else out[m.key] = `${String(out[m.key] ?? '')}${m.char}`;
  return out;
}

describe('parseEntrataWebhook (property-based)', () => {
  it('never throws on arbitrary JSON and accepts only storable, schema-valid bodies', () => {
    fc.assert(
      fc.property(hostileJson, (body) => {
        const parsed = parseEntrataWebhook(body);
        if (parsed.ok) {
          expect(storageProblems(body)).toEqual([]);
          expect(parsed.hint.eventId.length).toBeGreaterThan(0);
        } else problemShaped(parsed.errors);
      }),
      RUNS,
    );
  });

  it('accepts every schema-shaped body, extracting its ids as strings', () => {
    fc.assert(
      fc.property(validEntrata, (body) => {
        const parsed = parseEntrataWebhook(body);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.hint.entrataApplicationId).toBe(String(body.applicationId));
        expect(parsed.hint.propertyId).toBe(String(body.propertyId));
        expect(parsed.hint.eventId).toBe(String(body.eventId));
      }),
      RUNS,
    );
  });

  it('rejects mutated bodies with problems naming the mutated field (or accepts a harmless mutation)', () => {
    const required = ['event', 'eventId', 'occurredAt', 'propertyId', 'applicationId'];
    fc.assert(
      fc.property(
        validEntrata,
        mutation([...required, 'leadId'], required, ['event', 'occurredAt']),
        (body, m) => {
          const mutated = apply(body, m);
          const parsed = parseEntrataWebhook(mutated);
          if (m.kind === 'delete' || m.kind === 'poison') {
            expect(parsed.ok).toBe(false);
          }
          if (m.kind === 'retype') {
            // Only an integer in an id field, or null for leadId, is still valid.
            const stillValid =
              (['eventId', 'propertyId', 'applicationId', 'leadId'].includes(m.key) &&
                Number.isSafeInteger(m.value) &&
                (m.value as number) >= 0) ||
              (m.key === 'leadId' && m.value === null);
            expect(parsed.ok).toBe(stillValid);
          }
          if (parsed.ok) return;
          problemShaped(parsed.errors);
          if (m.kind === 'retype' || m.kind === 'poison')
            expect(parsed.errors.some((e) => e.path === `/${m.key}`)).toBe(true);
          if (m.kind === 'delete') expect(JSON.stringify(parsed.errors)).toContain(m.key);
        },
      ),
      RUNS,
    );
  });
});

describe('parsePlatformWebhook (property-based)', () => {
  it('never throws on arbitrary JSON and accepts only storable, schema-valid bodies', () => {
    fc.assert(
      fc.property(hostileJson, (body) => {
        const parsed = parsePlatformWebhook(body);
        if (parsed.ok) {
          expect(storageProblems(body)).toEqual([]);
          expect(typeof parsed.webhook.code).toBe('string');
        } else problemShaped(parsed.errors);
      }),
      RUNS,
    );
  });

  it('accepts schema-shaped bodies and rejects mutated ones with paths', () => {
    fc.assert(
      fc.property(validPlatform, mutation(['code', 'verification_id', 'report_id'], ['code']), (body, m) => {
        expect(parsePlatformWebhook(body).ok).toBe(true);
        const mutated = apply(body, m);
        const parsed = parsePlatformWebhook(mutated);
        if (m.kind === 'delete' || m.kind === 'poison') expect(parsed.ok).toBe(false);
        // Only `code` is checked on arrival; the other fields when the webhook is processed.
        if (m.kind === 'retype')
          expect(parsed.ok).toBe(m.key !== 'code' && storageProblems(mutated).length === 0);
        if (!parsed.ok) problemShaped(parsed.errors);
      }),
      RUNS,
    );
  });
});

describe('raw bodies (property-based)', () => {
  it('parseStrictJson + both parsers never throw on arbitrary text, including deep nesting', () => {
    const deep = fc.nat({ max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
    fc.assert(
      fc.property(fc.oneof(hostileString, fc.json(), deep), (text) => {
        const json = parseStrictJson(Buffer.from(text, 'utf8'));
        if (!json.ok) return void expect(json.message.length).toBeGreaterThan(0);
        const a = parseEntrataWebhook(json.value, json.numberSource);
        const b = parsePlatformWebhook(json.value);
        if (!a.ok) problemShaped(a.errors);
        if (!b.ok) problemShaped(b.errors);
      }),
      RUNS,
    );
  });
});
