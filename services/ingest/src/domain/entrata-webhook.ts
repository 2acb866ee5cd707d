import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  type FieldProblem,
  isPlainWholeNumber,
  NO_CONTROL_CHARACTERS,
  type StrictJson,
  storageProblems,
} from './json-safety.ts';

/**
 * Entrata's ids are whole numbers, sent as a JSON number or a string of digits. One spelling per id: no sign,
 * no leading zeros (as a string), no fraction or exponent (as a number: checked on the source text), so
 * "-2000001", "02000001", 2000001.0 and 2.000001e6 are refused rather than taken for another id or this one.
 */
const IdLike = Type.Union([
  Type.String({ minLength: 1, maxLength: 20, pattern: '^(0|[1-9][0-9]*)$' }),
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
]);
/** The members whose number form must be a plain whole number. */
const NUMERIC_IDS = ['eventId', 'propertyId', 'applicationId', 'leadId'] as const;

/**
 * Entrata's webhook payload is not public; this is the hint we rely on. Extra fields are allowed (and stored
 * with the raw body); only `application.submitted` is processed.
 */
export const EntrataWebhookBody = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 100, pattern: NO_CONTROL_CHARACTERS }),
    eventId: Type.Union([
      Type.String({ minLength: 1, maxLength: 200, pattern: NO_CONTROL_CHARACTERS }),
      Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    ]),
    occurredAt: Type.String({ format: 'date-time' }),
    propertyId: IdLike,
    applicationId: IdLike,
    leadId: Type.Optional(Type.Union([IdLike, Type.Null()])),
  },
  { additionalProperties: true },
);
export type EntrataWebhookBody = Static<typeof EntrataWebhookBody>;

export const PROCESSED_ENTRATA_EVENTS = new Set(['application.submitted']);

export interface EntrataHint {
  event: string;
  eventId: string;
  occurredAt: string;
  propertyId: string;
  entrataApplicationId: string;
  leadId?: string;
}

const check = Compile(EntrataWebhookBody);

export type ParsedWebhook = { ok: true; hint: EntrataHint } | { ok: false; errors: FieldProblem[] };

type NumberSource = Extract<StrictJson, { ok: true }>['numberSource'];

/**
 * Validates a parsed webhook body: the schema, text PostgreSQL can store (see json-safety), and, given the
 * numbers' source text (parseStrictJson), ids written as plain whole numbers.
 */
export function parseEntrataWebhook(body: unknown, numberSource?: NumberSource): ParsedWebhook {
  const unstorable = storageProblems(body);
  if (unstorable.length > 0) return { ok: false, errors: unstorable };
  if (numberSource && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const spelled = NUMERIC_IDS.flatMap((key) => {
      const source = numberSource(body, key);
      return source === undefined || isPlainWholeNumber(source)
        ? []
        : [
            {
              path: `/${key}`,
              message: `must be written as a plain whole number (got ${source.slice(0, 40)})`,
            },
          ];
    });
    if (spelled.length > 0) return { ok: false, errors: spelled };
  }
  if (!check.Check(body)) {
    const errors = [...check.Errors(body)]
      .slice(0, 20)
      .map((e) => ({ path: e.instancePath || '/', message: e.message }));
    return { ok: false, errors };
  }
  const leadId = body.leadId === undefined || body.leadId === null ? undefined : String(body.leadId);
  return {
    ok: true,
    hint: {
      event: body.event,
      eventId: String(body.eventId),
      occurredAt: body.occurredAt,
      propertyId: String(body.propertyId),
      entrataApplicationId: String(body.applicationId),
      ...(leadId ? { leadId } : {}),
    },
  };
}
