import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';

const IdLike = Type.Union([
  Type.String({ minLength: 1, maxLength: 128, pattern: '^[0-9A-Za-z_-]+$' }),
  Type.Integer({ minimum: 0 }),
]);

/**
 * Entrata's webhook payload is not public; this is the hint we rely on. Extra fields are allowed (and stored
 * with the raw body); only `application.submitted` is processed.
 */
export const EntrataWebhookBody = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 100 }),
    eventId: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Integer({ minimum: 0 })]),
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

export type ParsedWebhook =
  | { ok: true; hint: EntrataHint }
  | { ok: false; errors: { path: string; message: string }[] };

export function parseEntrataWebhook(body: unknown): ParsedWebhook {
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
