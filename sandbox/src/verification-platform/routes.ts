import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { FaultInjector } from '../faults/faults.ts';
import { httpFaultHook } from '../faults/http.ts';
import { problem, sendProblem, titleOf, useProblemErrors } from '../shared/problem.ts';
import { TokenIssuer } from './auth.ts';
import { renderReportPdf, reportApplicants } from './report-pdf.ts';
import { type ApplicantGroup, groupStatus, type PlatformApplicant, type PlatformStore } from './store.ts';

export interface PlatformDeps {
  store: PlatformStore;
  faults: FaultInjector;
  credentials: { clientId: string; secretKey: string };
  /** Base URL of the sandbox, for the verification links it hands out. */
  publicUrl: () => string;
}

const E164 = '^\\+[1-9][0-9]{7,14}$';
const EMAIL = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

const AuthBody = Type.Object({ client_id: Type.String(), secret_key: Type.String() });

const ApplicantBody = Type.Object({
  first_name: Type.String({ minLength: 1 }),
  last_name: Type.String({ minLength: 1 }),
  email: Type.Optional(Type.String({ pattern: EMAIL })),
  phone_number: Type.Optional(Type.String({ pattern: E164, description: 'E.164, e.g. +13035550100' })),
  verifications: Type.Array(
    Type.Object({
      type: Type.Union([Type.Literal('income'), Type.Literal('identity'), Type.Literal('asset')]),
    }),
    { minItems: 1 },
  ),
});

const CreateGroupBody = Type.Object({
  applicants: Type.Array(ApplicantBody, { minItems: 1 }),
  property: Type.Object({
    name: Type.String({ minLength: 1 }),
    street_address: Type.String(),
    city: Type.String(),
    state: Type.String(),
    zip_code: Type.String(),
    unit: Type.Optional(Type.String()),
  }),
  decision_maker_display_name: Type.String({ minLength: 1 }),
  // Optional: the rent is not among the data read from Entrata (whether the real API requires it is unknown).
  monthly_rent: Type.Optional(Type.Integer({ minimum: 0, description: 'In cents.' })),
  webhook_url: Type.String({ pattern: '^https?://' }),
  is_invitation_disabled: Type.Optional(Type.Boolean()),
  correlation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
type CreateGroupBody = Static<typeof CreateGroupBody>;

const PatchApplicantBody = Type.Object(
  {
    first_name: Type.Optional(Type.String({ minLength: 1 })),
    last_name: Type.Optional(Type.String({ minLength: 1 })),
    email: Type.Optional(Type.String({ pattern: EMAIL })),
    phone_number: Type.Optional(Type.String({ pattern: E164 })),
  },
  { minProperties: 1 },
);

function applicantView(applicant: PlatformApplicant, publicUrl: string) {
  const statuses = applicant.verifications.map((v) => v.status);
  return {
    id: applicant.id,
    first_name: applicant.firstName,
    last_name: applicant.lastName,
    email: applicant.email ?? null,
    phone_number: applicant.phoneNumber ?? null,
    status: statuses.every((s) => s === 'completed')
      ? 'completed'
      : statuses.some((s) => s !== 'not_started')
        ? 'in_progress'
        : 'not_started',
    verifications: applicant.verifications.map((v) => ({
      id: v.id,
      type: v.type,
      status: v.status,
      verification_url: `${publicUrl}/verify/${v.id}`,
      started_at: v.startedAt ?? null,
      completed_at: v.completedAt ?? null,
    })),
  };
}

export function groupView(group: ApplicantGroup, publicUrl: string) {
  return {
    id: group.id,
    status: groupStatus(group),
    correlation_id: group.correlationId ?? null,
    decision_maker_display_name: group.decisionMakerDisplayName,
    monthly_rent_cents: group.monthlyRentCents ?? null,
    property: group.property,
    webhook_url: group.webhookUrl,
    is_invitation_disabled: group.isInvitationDisabled,
    created_at: group.createdAt,
    applicants: group.applicants.map((a) => applicantView(a, publicUrl)),
    reports: group.reports.map((r) => ({
      id: r.id,
      report_type: r.type,
      applicant_id: r.applicantId ?? null,
      created_at: r.createdAt,
    })),
  };
}

function createGroup(body: CreateGroupBody, clientId: string): ApplicantGroup {
  const now = new Date().toISOString();
  const invite = !body.is_invitation_disabled;
  return {
    id: randomUUID(),
    clientId,
    ...(body.correlation_id ? { correlationId: body.correlation_id } : {}),
    property: body.property,
    decisionMakerDisplayName: body.decision_maker_display_name,
    ...(body.monthly_rent !== undefined ? { monthlyRentCents: body.monthly_rent } : {}),
    webhookUrl: body.webhook_url,
    isInvitationDisabled: !invite,
    createdAt: now,
    reports: [],
    applicants: body.applicants.map((a) => ({
      id: randomUUID(),
      firstName: a.first_name,
      lastName: a.last_name,
      ...(a.email ? { email: a.email } : {}),
      ...(a.phone_number ? { phoneNumber: a.phone_number } : {}),
      verifications: a.verifications.map((v) => ({
        id: randomUUID(),
        type: v.type,
        status: 'not_started' as const,
      })),
      invitations: invite
        ? [{ at: now, reason: 'created' as const, ...contactOf(a.email, a.phone_number) }]
        : [],
    })),
  };
}

const contactOf = (email?: string, phoneNumber?: string) => ({
  ...(email ? { email } : {}),
  ...(phoneNumber ? { phoneNumber } : {}),
});

const sameSecret = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The platform's REST API under /api/v1 (Payscore's public shape). */
export async function platformRoutes(app: FastifyInstance, deps: PlatformDeps): Promise<void> {
  const tokens = new TokenIssuer();
  useProblemErrors(app);
  app.addHook(
    'preHandler',
    httpFaultHook(deps.faults, 'platform', (status, message) => problem(status, titleOf(status), message)),
  );

  app.post('/tenants/auth', { schema: { body: AuthBody } }, async (request, reply) => {
    const { client_id, secret_key } = request.body as Static<typeof AuthBody>;
    if (client_id !== deps.credentials.clientId || !sameSecret(secret_key, deps.credentials.secretKey)) {
      return sendProblem(reply, 401, 'Unauthorized', 'Invalid client_id or secret_key.');
    }
    const { token, expiresIn } = tokens.issue(client_id);
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn };
  });

  // Everything else needs the bearer token; groups are visible only to the client that created them.
  await app.register(async (authed) => {
    authed.decorateRequest('clientId', '');
    authed.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      const clientId = header?.startsWith('Bearer ') ? tokens.verify(header.slice(7)) : undefined;
      if (!clientId) return sendProblem(reply, 401, 'Unauthorized', 'A valid bearer token is required.');
      (request as unknown as { clientId: string }).clientId = clientId;
    });
    const clientOf = (request: unknown) => (request as { clientId: string }).clientId;
    const groupOf = (request: unknown, id: string) => {
      const group = deps.store.groups.get(id);
      return group && group.clientId === clientOf(request) ? group : undefined;
    };

    authed.post('/applicant_groups', { schema: { body: CreateGroupBody } }, async (request, reply) => {
      const group = createGroup(request.body as CreateGroupBody, clientOf(request));
      deps.store.groups.set(group.id, group);
      // The real API answers 200, not 201.
      return reply.code(200).send(groupView(group, deps.publicUrl()));
    });

    authed.get(
      '/applicant_groups',
      { schema: { querystring: Type.Object({ correlation_id: Type.Optional(Type.String()) }) } },
      async (request) => {
        const { correlation_id } = request.query as { correlation_id?: string };
        const groups = [...deps.store.groups.values()].filter(
          (g) =>
            g.clientId === clientOf(request) &&
            (correlation_id === undefined || g.correlationId === correlation_id),
        );
        return { applicant_groups: groups.map((g) => groupView(g, deps.publicUrl())) };
      },
    );

    authed.get('/applicant_groups/:id', async (request, reply) => {
      const group = groupOf(request, (request.params as { id: string }).id);
      if (!group) return sendProblem(reply, 404, 'Not Found', 'Applicant group not found.');
      return groupView(group, deps.publicUrl());
    });

    authed.patch(
      '/applicant_groups/:id/applicants/:applicantId',
      { schema: { body: PatchApplicantBody } },
      async (request, reply) => {
        const { id, applicantId } = request.params as { id: string; applicantId: string };
        const group = groupOf(request, id);
        const applicant = group?.applicants.find((a) => a.id === applicantId);
        if (!group || !applicant)
          return sendProblem(reply, 404, 'Not Found', 'Applicant not found in this group.');
        const patch = request.body as Static<typeof PatchApplicantBody>;
        const contactChanged =
          (patch.email !== undefined && patch.email !== applicant.email) ||
          (patch.phone_number !== undefined && patch.phone_number !== applicant.phoneNumber);
        if (patch.first_name) applicant.firstName = patch.first_name;
        if (patch.last_name) applicant.lastName = patch.last_name;
        if (patch.email) applicant.email = patch.email;
        if (patch.phone_number) applicant.phoneNumber = patch.phone_number;
        // Editing contact details re-sends the invitation.
        if (contactChanged && !group.isInvitationDisabled) {
          applicant.invitations.push({
            at: new Date().toISOString(),
            reason: 'contact_changed',
            ...contactOf(applicant.email, applicant.phoneNumber),
          });
        }
        return applicantView(applicant, deps.publicUrl());
      },
    );

    authed.get('/reports/:reportId', async (request, reply) => {
      const found = deps.store.findReport((request.params as { reportId: string }).reportId);
      if (!found || found.group.clientId !== clientOf(request)) {
        return sendProblem(reply, 404, 'Not Found', 'Report not found.');
      }
      const { group, report } = found;
      const accept = request.headers.accept ?? '*/*';
      if (accept.includes('application/json')) {
        return {
          id: report.id,
          report_type: report.type,
          applicant_group_id: group.id,
          applicant_id: report.applicantId ?? null,
          created_at: report.createdAt,
          applicants: reportApplicants(group, report).map((a) => ({
            id: a.id,
            first_name: a.firstName,
            last_name: a.lastName,
          })),
        };
      }
      if (!accept.includes('application/pdf') && !accept.includes('*/*')) {
        return sendProblem(
          reply,
          406,
          'Not Acceptable',
          'Reports are available as application/pdf or application/json.',
        );
      }
      let pdf = Buffer.from(await renderReportPdf(group, report));
      // A broken upstream: the file ends half way, with a consistent Content-Length, so only its content tells.
      if (deps.faults.take('platform', ['truncated_pdf'], `GET /reports/${report.id}`)) {
        pdf = pdf.subarray(0, Math.floor(pdf.length / 2));
      }
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${report.type}-${report.id}.pdf"`)
        .send(pdf);
    });
  });
}
