import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { useProblemErrors } from '../shared/problem.ts';
import type { WebhookSource } from '../shared/webhook-sender.ts';
import type { TwilioDeps } from '../sms/twilio.ts';
import type { SandboxState } from '../state.ts';
import type { PlatformWebhookDeps } from '../verification-platform/webhooks.ts';
import { entrataControl } from './entrata.ts';
import { faultsControl } from './faults.ts';
import { messagesControl } from './messages.ts';
import { platformControl } from './platform.ts';

export interface ControlDeps {
  state: SandboxState;
  platformWebhooks: PlatformWebhookDeps;
  twilio: TwilioDeps;
  ingestBaseUrl: string;
  publicUrl: () => string;
}

/** The scenario API under /sandbox: sets up and drives the fakes, and shows what they saw. */
export async function controlRoutes(app: FastifyInstance, deps: ControlDeps): Promise<void> {
  useProblemErrors(app);

  app.post(
    '/reset',
    { schema: { tags: ['sandbox'], summary: 'Forget everything (then re-apply the seed)' } },
    async (_request, reply) => {
      deps.state.reset();
      return reply.code(204).send();
    },
  );

  app.get(
    '/webhooks/deliveries',
    {
      schema: {
        tags: ['sandbox'],
        summary:
          'Webhooks sent (to ingest, from the platform, Twilio callbacks) with every attempt and status code',
        querystring: Type.Object({
          source: Type.Optional(
            Type.Union([
              Type.Literal('entrata'),
              Type.Literal('platform'),
              Type.Literal('twilio-status'),
              Type.Literal('twilio-inbound'),
            ]),
          ),
        }),
      },
    },
    async (request) => ({
      deliveries: deps.state.webhooks.list((request.query as { source?: WebhookSource }).source),
    }),
  );

  await entrataControl(app, deps);
  await platformControl(app, deps);
  await messagesControl(app, deps);
  await faultsControl(app, deps);
}
