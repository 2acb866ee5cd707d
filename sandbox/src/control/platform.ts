import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { ScenarioError } from '../entrata/scenario.ts';
import type { SandboxState } from '../state.ts';
import { groupView } from '../verification-platform/routes.ts';
import {
  completeAndNotify,
  NotFoundError,
  type PlatformWebhookDeps,
  startAndNotify,
} from '../verification-platform/webhooks.ts';

const tags = ['verification platform (scenario)'];
const CompleteBody = Type.Object({
  reasonCompleted: Type.Optional(
    Type.String({ minLength: 1, description: 'Default "applicant_completed".' }),
  ),
  duplicate: Type.Optional(
    Type.Boolean({ description: 'Send every resulting webhook twice (same event_id).' }),
  ),
});

const notFoundAs404 = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (error) {
    if (error instanceof NotFoundError) throw new ScenarioError(404, error.message);
    throw error;
  }
};

export async function platformControl(
  app: FastifyInstance,
  deps: { state: SandboxState; platformWebhooks: PlatformWebhookDeps; publicUrl: () => string },
): Promise<void> {
  const store = deps.state.platform;

  app.get(
    '/platform/applicant-groups',
    {
      schema: {
        tags,
        summary: 'All applicant groups, with invitations the platform sent; filter by applicant email',
        querystring: Type.Object({ email: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const email = (request.query as { email?: string }).email?.toLowerCase();
      const groups = [...store.groups.values()].filter(
        (g) => !email || g.applicants.some((a) => a.email?.toLowerCase() === email),
      );
      return {
        applicantGroups: groups.map((g) => ({
          ...groupView(g, deps.publicUrl()),
          invitations: g.applicants.map((a) => ({ applicantId: a.id, invitations: a.invitations })),
        })),
      };
    },
  );

  app.put(
    '/platform/settings',
    {
      schema: {
        tags,
        summary: 'Platform behaviour switches',
        body: Type.Object({
          duplicateWebhooks: Type.Boolean({ description: 'Send every webhook twice from now on.' }),
        }),
      },
    },
    async (request) => {
      store.duplicateWebhooks = (request.body as { duplicateWebhooks: boolean }).duplicateWebhooks;
      return { duplicateWebhooks: store.duplicateWebhooks };
    },
  );

  app.post(
    '/verifications/:verificationId/start',
    {
      schema: {
        tags,
        summary: 'The applicant opens the link (VERIFICATION_STARTED, once)',
        params: Type.Object({ verificationId: Type.String() }),
      },
    },
    async (request) => {
      const { verificationId } = request.params as { verificationId: string };
      return { webhooks: notFoundAs404(() => startAndNotify(deps.platformWebhooks, verificationId)) };
    },
  );

  app.post(
    '/verifications/:verificationId/complete',
    {
      schema: {
        tags,
        summary:
          'The applicant completes a verification (STARTED if needed, COMPLETED, REPORT_READY when due)',
        params: Type.Object({ verificationId: Type.String() }),
        body: Type.Optional(CompleteBody),
      },
    },
    async (request) => {
      const { verificationId } = request.params as { verificationId: string };
      const body = (request.body ?? {}) as Static<typeof CompleteBody>;
      return {
        webhooks: notFoundAs404(() => completeAndNotify(deps.platformWebhooks, verificationId, body)),
      };
    },
  );

  app.post(
    '/platform/applicants/:applicantId/complete',
    {
      schema: {
        tags,
        summary: "Complete all of an applicant's verifications (or only the listed types)",
        params: Type.Object({ applicantId: Type.String() }),
        body: Type.Optional(
          Type.Object({
            ...CompleteBody.properties,
            types: Type.Optional(
              Type.Array(
                Type.Union([Type.Literal('income'), Type.Literal('identity'), Type.Literal('asset')]),
              ),
            ),
          }),
        ),
      },
    },
    async (request) => {
      const { applicantId } = request.params as { applicantId: string };
      const body = (request.body ?? {}) as Static<typeof CompleteBody> & { types?: string[] };
      const found = store.findApplicant(applicantId);
      if (!found) throw new ScenarioError(404, `Applicant ${applicantId} not found.`);
      const webhooks = found.applicant.verifications
        .filter((v) => !body.types || body.types.includes(v.type))
        .flatMap((v) => completeAndNotify(deps.platformWebhooks, v.id, body));
      return { webhooks };
    },
  );
}
