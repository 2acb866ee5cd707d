import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { StoredEmail } from '../email/smtp.ts';
import type { SmsMessage } from '../sms/store.ts';
import { messageResource, receiveInbound, type TwilioDeps } from '../sms/twilio.ts';
import type { SandboxState } from '../state.ts';
import { E164 } from './schemas.ts';

const tags = ['messages (scenario)'];

type Listed = ({ channel: 'email' } & StoredEmail) | ({ channel: 'sms' } & ReturnType<typeof smsView>);

const smsView = (m: SmsMessage) => ({
  ...messageResource(m),
  statusHistory: m.statusHistory,
  receivedAt: m.createdAt,
});

/** Email and SMS in one list, oldest first, so a test can read "the last message this person got". */
function allMessages(state: SandboxState): Listed[] {
  const emails: Listed[] = state.email.messages.map((m) => ({ channel: 'email' as const, ...m }));
  const sms: Listed[] = state.sms.messages.map((m) => ({ channel: 'sms' as const, ...smsView(m) }));
  return [...emails, ...sms].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

const isFor = (m: Listed, recipient: string) =>
  m.channel === 'email' ? m.recipients.includes(recipient.toLowerCase()) : m.to === recipient;

export async function messagesControl(
  app: FastifyInstance,
  deps: { state: SandboxState; twilio: TwilioDeps },
): Promise<void> {
  const { state } = deps;

  app.get(
    '/messages',
    {
      schema: {
        tags,
        summary:
          'Emails and text messages, oldest first; filter by recipient (email address or E.164 number)',
        querystring: Type.Object({
          recipient: Type.Optional(Type.String()),
          channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms')])),
        }),
      },
    },
    async (request) => {
      const { recipient, channel } = request.query as { recipient?: string; channel?: 'email' | 'sms' };
      const messages = allMessages(state).filter(
        (m) => (!channel || m.channel === channel) && (!recipient || isFor(m, recipient)),
      );
      return { messages };
    },
  );

  app.get(
    '/messages/:recipient',
    {
      schema: {
        tags,
        summary: 'Messages to one recipient, oldest first',
        params: Type.Object({ recipient: Type.String() }),
      },
    },
    async (request) => {
      const { recipient } = request.params as { recipient: string };
      return { messages: allMessages(state).filter((m) => isFor(m, recipient)) };
    },
  );

  app.post(
    '/sms/inbound',
    {
      schema: {
        tags,
        summary: 'A person texts us (STOP, HELP, START, ...): posted to notify, signed like Twilio',
        body: Type.Object({
          from: E164,
          to: Type.Optional(E164),
          body: Type.String({ minLength: 1 }),
        }),
      },
    },
    async (request) => {
      const result = receiveInbound(deps.twilio, request.body as { from: string; to?: string; body: string });
      return {
        message: smsView(result.message),
        optOutType: result.optOutType ?? null,
        deliveryId: result.delivery.id,
      };
    },
  );

  app.put(
    '/sms/numbers/:number',
    {
      schema: {
        tags,
        summary: 'How sends to a number turn out',
        params: Type.Object({ number: Type.String() }),
        body: Type.Object({
          behavior: Type.Union(
            [
              Type.Literal('deliver'),
              Type.Literal('undelivered'),
              Type.Literal('failed'),
              Type.Literal('invalid'),
            ],
            {
              description: 'undelivered: 30003; failed: 30006; invalid: send refused with 21211.',
            },
          ),
        }),
      },
    },
    async (request) => {
      const { number } = request.params as { number: string };
      const { behavior } = request.body as { behavior: 'deliver' | 'undelivered' | 'failed' | 'invalid' };
      state.sms.numberBehaviors.set(number, behavior);
      return { number, behavior };
    },
  );

  app.get('/sms/opt-outs', { schema: { tags, summary: 'Numbers that replied STOP' } }, async () => ({
    optedOut: [...state.sms.optedOut],
  }));
}
