import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { type FieldProblem, NO_CONTROL_CHARACTERS, storageProblems } from './json-safety.ts';

const IdLike = Type.Union([
  Type.String({ minLength: 1, maxLength: 128, pattern: '^[0-9A-Za-z_-]+$' }),
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
]);

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

/** Validates a parsed webhook body: the schema, plus text PostgreSQL can store (see json-safety). */
export function parseEntrataWebhook(body: unknown): ParsedWebhook {
  const unstorable = storageProblems(body);
  if (unstorable.length > 0) return { ok: false, errors: unstorable };
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
