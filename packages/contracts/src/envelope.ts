import Type, { type Static, type TSchema } from 'typebox';

/** Every message on every topic is one envelope; `payload` is the versioned event body. */
export const EnvelopeHeader = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Unique event id; consumers de-duplicate on it.' }),
    type: Type.String({ minLength: 1, description: 'Event type, e.g. ApplicationSubmitted.' }),
    version: Type.Integer({ minimum: 1, description: 'Schema version of the payload.' }),
    occurredAt: Type.String({ format: 'date-time' }),
    tenantId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'Customer (tenant) slug.' }),
    correlationId: Type.String({ minLength: 1, description: 'Our application id: one journey, one id.' }),
    causationId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Id of the event that caused this one.' }),
    ),
    traceparent: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' }),
    ),
    tracestate: Type.Optional(Type.String()),
    replay: Type.Optional(
      Type.Object(
        { replayId: Type.String(), requestedBy: Type.String() },
        { description: 'Set when support replays an event.' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EnvelopeHeader = Static<typeof EnvelopeHeader>;

export interface EventDefinition<TType extends string = string, TPayload extends TSchema = TSchema> {
  readonly type: TType;
  readonly version: number;
  readonly description: string;
  readonly payload: TPayload;
  /** A valid example; the tests check it, the AsyncAPI document shows it. */
  readonly example: Static<TPayload>;
  /** Name of the payload field used as the Kafka key, so one application's events stay ordered. */
  readonly key: keyof Static<TPayload> & string;
}

export function defineEvent<const TType extends string, TPayload extends TSchema>(
  def: EventDefinition<TType, TPayload>,
): EventDefinition<TType, TPayload> {
  return def;
}

/** The full envelope schema of one event definition. */
export function envelopeSchema(def: EventDefinition) {
  return Type.Object(
    {
      ...EnvelopeHeader.properties,
      type: Type.Literal(def.type),
      version: Type.Literal(def.version),
      payload: def.payload,
    },
    { additionalProperties: false, $id: `${def.type}.v${def.version}`, description: def.description },
  );
}

export type EventOf<D extends EventDefinition> = Omit<EnvelopeHeader, 'type' | 'version'> & {
  type: D['type'];
  version: D['version'];
  payload: Static<D['payload']>;
};

export type PayloadOf<D extends EventDefinition> = Static<D['payload']>;

export const eventKey = (type: string, version: number): string => `${type}.v${version}`;
