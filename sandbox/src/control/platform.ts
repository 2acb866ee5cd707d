import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { ScenarioError } from '../entrata/scenario.ts';
import type { SandboxState } from '../state.ts';
import { DEFAULT_PLATFORM_SETTINGS, type PlatformSettings } from '../verification-platform/store.ts';
import { scenarioGroup } from '../verification-platform/views.ts';
import {
  completeAndNotify,
  NotFoundError,
  type PlatformWebhookDeps,
  startAndNotify,
} from '../verification-platform/webhooks.ts';

const tags = ['verification platform (scenario)'];
const Kind = Type.Union([Type.Literal('income'), Type.Literal('identity'), Type.Literal('asset')]);
const CompleteBody = Type.Object({
  reasonCompleted: Type.Optional(
    Type.String({ minLength: 1, description: 'Default "finished" (the only documented reason).' }),
  ),
  duplicate: Type.Optional(
    Type.Boolean({ description: 'Send every resulting webhook twice (identical bytes).' }),
  ),
});

const SettingsBody = Type.Partial(
  Type.Object(
    {
      groupReadBack: Type.Boolean({
        description: 'NOT DOCUMENTED GET /api/v1/applicant_groups/{id} (false: 404).',
      }),
      applicantDetails: Type.Boolean({
        description: 'NOT DOCUMENTED applicants[] with ids in that read (false: the documented group only).',
      }),
      invitationLinks: Type.Boolean({
        description: 'NOT DOCUMENTED verification_url per verification (false: no links).',
      }),
      contactUpdate: Type.Boolean({
        description: 'NOT DOCUMENTED PATCH .../applicants/{id} (false: 404).',
      }),
      correlationIdLookup: Type.Boolean({
        description: 'The list endpoint with its correlation_id filter (false: 404).',
      }),
      householdReportApplicantId: Type.Union(
        [Type.Literal('group_id'), Type.Literal('omit'), Type.Literal('first_applicant')],
        {
          description:
            'applicant_id on household REPORT_READY (default group_id, as the documented example).',
        },
      ),
      webhookContentType: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description: 'Content-Type of the webhooks (not documented); null sends none.',
      }),
      duplicateWebhooks: Type.Boolean({ description: 'Send every webhook twice from now on.' }),
    },
    { additionalProperties: false },
  ),
);

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
        summary:
          'All applicant groups as the sandbox knows them (applicants, ids, links, invitations, reports); filter by applicant email',
        querystring: Type.Object({ email: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const email = (request.query as { email?: string }).email?.toLowerCase();
      const groups = [...store.groups.values()].filter(
        (g) => !email || g.applicants.some((a) => a.email?.toLowerCase() === email),
      );
      return { applicantGroups: groups.map((g) => scenarioGroup(g, deps.publicUrl())) };
    },
  );

  app.get('/platform/settings', { schema: { tags, summary: 'Platform behaviour switches' } }, async () => ({
    ...store.settings,
    defaults: DEFAULT_PLATFORM_SETTINGS,
  }));

  app.put(
    '/platform/settings',
    {
      schema: {
        tags,
        summary:
          'Switch undocumented assumptions off (or back on) and choose documented quirks; a reset restores the defaults',
        body: SettingsBody,
      },
    },
    async (request) => {
      store.settings = { ...store.settings, ...(request.body as Partial<PlatformSettings>) };
      return store.settings;
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
        summary: "Complete all of an applicant's verifications (or only the listed kinds)",
        params: Type.Object({ applicantId: Type.String() }),
        body: Type.Optional(
          Type.Object({ ...CompleteBody.properties, types: Type.Optional(Type.Array(Kind)) }),
        ),
      },
    },
    async (request) => {
      const { applicantId } = request.params as { applicantId: string };
      const body = (request.body ?? {}) as Static<typeof CompleteBody> & { types?: string[] };
      const found = store.findApplicant(applicantId);
      if (!found) throw new ScenarioError(404, `Applicant ${applicantId} not found.`);
      const webhooks = found.applicant.verifications
        .filter((v) => !body.types || body.types.some((kind) => v.type === `${kind}_verification`))
        .flatMap((v) => completeAndNotify(deps.platformWebhooks, v.id, body));
      return { webhooks };
    },
  );
}
