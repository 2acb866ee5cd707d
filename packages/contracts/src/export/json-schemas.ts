import { type EventDefinition, envelopeSchema, eventKey } from '../envelope.ts';
import { allEvents } from '../topics.ts';

/** Plain JSON Schema of each event's full envelope, keyed by `<Type>.v<version>` (also its file name). */
export function eventJsonSchemas(events: EventDefinition[] = allEvents()): Map<string, object> {
  const out = new Map<string, object>();
  for (const def of events) out.set(eventKey(def.type, def.version), toPlainJson(envelopeSchema(def)));
  return out;
}

// TypeBox schemas carry symbol keys; a JSON round trip leaves exactly what validators and docs see.
export const toPlainJson = (schema: unknown): object => JSON.parse(JSON.stringify(schema)) as object;
