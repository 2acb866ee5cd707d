import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { sendProblem } from '../shared/problem.ts';
import { isNonexistentEmail, PatchApplicantBody } from './requests.ts';
import type { Authed, PlatformDeps } from './routes.ts';
import { assumedApplicant, assumedGroupRead } from './views.ts';

/**
 * What our product needs but the documentation does not show, offered as clearly labelled assumptions
 * (NOT DOCUMENTED: assumed shape). Each can be switched off through the scenario API
 * (PUT /sandbox/platform/settings), and then answers 404 like a platform without it.
 */
export async function assumedRoutes(app: FastifyInstance, deps: PlatformDeps, auth: Authed): Promise<void> {
  const settings = () => deps.store.settings;

  // NOT DOCUMENTED: reading one group back, with its applicants, their ids and invitation links.
  app.get('/applicant_groups/:id', async (request, reply) => {
    const group = auth.groupOf(request, (request.params as { id: string }).id);
    if (!settings().groupReadBack || !group)
      return sendProblem(reply, 404, 'Not Found', 'Applicant group not found.');
    return assumedGroupRead(group, deps.publicUrl(), settings());
  });

  // NOT DOCUMENTED path and body. The documented fact it follows: "Editing an applicant's email or phone
  // re-sends the invite" (recorded as an invitation, unless invitations are disabled for the group).
  app.patch(
    '/applicant_groups/:id/applicants/:applicantId',
    { schema: { body: PatchApplicantBody } },
    async (request, reply) => {
      const { id, applicantId } = request.params as { id: string; applicantId: string };
      const group = auth.groupOf(request, id);
      const applicant = group?.applicants.find((a) => a.id === applicantId);
      if (!settings().contactUpdate || !group || !applicant)
        return sendProblem(reply, 404, 'Not Found', 'Applicant not found in this group.');
      const patch = request.body as Static<typeof PatchApplicantBody>;
      if (patch.email && isNonexistentEmail(patch.email))
        return sendProblem(reply, 400, 'Bad Request', '/email: email address does not exist', {
          errors: [{ path: '/email', message: 'email address does not exist' }],
        });
      const contactChanged =
        (patch.email !== undefined && patch.email !== applicant.email) ||
        (patch.phone_number !== undefined && patch.phone_number !== applicant.phoneNumber);
      if (patch.first_name) applicant.firstName = patch.first_name;
      if (patch.last_name) applicant.lastName = patch.last_name;
      if (patch.email) applicant.email = patch.email;
      if (patch.phone_number) applicant.phoneNumber = patch.phone_number;
      if (contactChanged && !group.isInvitationDisabled) {
        applicant.invitations.push({
          at: new Date().toISOString(),
          reason: 'contact_changed',
          ...(applicant.email ? { email: applicant.email } : {}),
          ...(applicant.phoneNumber ? { phoneNumber: applicant.phoneNumber } : {}),
        });
      }
      return assumedApplicant(applicant, deps.publicUrl(), settings());
    },
  );
}
