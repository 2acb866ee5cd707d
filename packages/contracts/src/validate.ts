import { Compile } from 'typebox/compile';
import { type EventDefinition, type EventOf, envelopeSchema, eventKey } from './envelope.ts';
import { allEvents } from './topics.ts';

type Validator = ReturnType<typeof Compile>;
const definitions = new Map(allEvents().map((def) => [eventKey(def.type, def.version), def] as const));
/**
 * Compiled on first use: a service reads and writes a handful of the events, and compiling all of them up
 * front cost every process several MiB of heap for validators it never runs.
 */
const validators = new Map<string, Validator>();

function validatorOf(key: string, def: EventDefinition): Validator {
  let check = validators.get(key);
  if (!check) {
    check = Compile(envelopeSchema(def));
    validators.set(key, check);
  }
  return check;
}

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
  const key = eventKey(type, version);
  const def = definitions.get(key);
  if (!def) return fail('/type', `unknown event ${key}`);
  const check = validatorOf(key, def);
  if (!check.Check(value)) {
    return {
      ok: false,
      problems: [...check.Errors(value)]
        .slice(0, 20)
        .map((e) => ({ path: e.instancePath, message: e.message })),
    };
  }
  return { ok: true, event: value as EventOf<EventDefinition>, definition: def };
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
