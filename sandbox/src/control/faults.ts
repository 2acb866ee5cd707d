import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { ScenarioError } from '../entrata/scenario.ts';
import { FAULT_KINDS, FAULT_TARGETS, type FaultSpec, type FaultTarget } from '../faults/faults.ts';
import type { SandboxState } from '../state.ts';

const tags = ['faults'];
const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

const FaultBody = Type.Object({
  target: literals(FAULT_TARGETS),
  kind: literals(FAULT_KINDS),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  delayMs: Type.Optional(Type.Integer({ minimum: 0 })),
  code: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  message: Type.Optional(Type.String()),
  match: Type.Optional(
    Type.String({ description: 'Entrata: "service/method"; HTTP fakes: "METHOD /path"; email: recipient.' }),
  ),
  count: Type.Optional(Type.Integer({ minimum: 1, description: 'The next N matching calls.' })),
  durationMs: Type.Optional(Type.Integer({ minimum: 1, description: 'For this long.' })),
});

export async function faultsControl(app: FastifyInstance, deps: { state: SandboxState }): Promise<void> {
  const { faults } = deps.state;

  app.post(
    '/faults',
    {
      schema: {
        tags,
        summary: 'Inject a fault (without count or durationMs it stays until removed)',
        body: FaultBody,
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send(faults.add(request.body as FaultSpec));
      } catch (error) {
        if (error instanceof RangeError) throw new ScenarioError(400, error.message);
        throw error;
      }
    },
  );

  app.get('/faults', { schema: { tags, summary: 'Active faults' } }, async () => ({ faults: faults.list() }));

  app.delete(
    '/faults/:id',
    { schema: { tags, summary: 'Remove one fault', params: Type.Object({ id: Type.String() }) } },
    async (request, reply) => {
      if (!faults.remove((request.params as { id: string }).id))
        throw new ScenarioError(404, 'No such fault.');
      return reply.code(204).send();
    },
  );

  app.delete(
    '/faults',
    {
      schema: {
        tags,
        summary: "Remove all faults (or one target's)",
        querystring: Type.Object({ target: Type.Optional(literals(FAULT_TARGETS)) }),
      },
    },
    async (request, reply) => {
      faults.clear((request.query as { target?: FaultTarget }).target);
      return reply.code(204).send();
    },
  );
}
