import { Compile } from 'typebox/compile';
import { type EventDefinition, type EventOf, envelopeSchema, eventKey } from './envelope.ts';
import { allEvents } from './topics.ts';

type Validator = ReturnType<typeof Compile>;
const validators = new Map<string, { def: EventDefinition; check: Validator }>();
for (const def of allEvents())
  validators.set(eventKey(def.type, def.version), { def, check: Compile(envelopeSchema(def)) });

export interface ValidationProblem {
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; event: EventOf<EventDefinition>; definition: EventDefinition }
  | { ok: false; problems: ValidationProblem[] };

/** Validates an untrusted value as one of the known events (by its type and version). */
export function parseEvent(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null) return fail('', 'event must be a JSON object');
  const { type, version } = value as { type?: unknown; version?: unknown };
  if (typeof type !== 'string' || typeof version !== 'number')
    return fail('', 'event needs a string type and a numeric version');
  const entry = validators.get(eventKey(type, version));
  if (!entry) return fail('/type', `unknown event ${eventKey(type, version)}`);
  if (!entry.check.Check(value)) {
    return {
      ok: false,
      problems: [...entry.check.Errors(value)]
        .slice(0, 20)
        .map((e) => ({ path: e.instancePath, message: e.message })),
    };
  }
  return { ok: true, event: value as EventOf<EventDefinition>, definition: entry.def };
}

export function isEvent<D extends EventDefinition>(
  def: D,
  event: EventOf<EventDefinition>,
): event is EventOf<D> {
  return event.type === def.type && event.version === def.version;
}

function fail(path: string, message: string): ParseResult {
  return { ok: false, problems: [{ path, message }] };
}
