import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import {
  addProperty,
  createApplication,
  requireApplication,
  requireOrg,
  ScenarioError,
  updateCustomer,
  upsertOrg,
} from '../entrata/scenario.ts';
import type { Application, Org } from '../entrata/store.ts';
import { sendApplicationWebhook, type WebhookMode, webhookUrlOf } from '../entrata/webhook.ts';
import type { SandboxState } from '../state.ts';
import {
  ApplicationBody,
  AppParams,
  CustomerPatch,
  OrgBody,
  OrgParams,
  PropertyBody,
  tags,
  WebhookModeSchema,
} from './entrata-schemas.ts';
import { AnyObject, errors } from './schemas.ts';

const orgView = (org: Org, state: SandboxState, ingestBaseUrl: string) => ({
  ...org,
  webhookUrl: webhookUrlOf(org, org.ingestBaseUrl ?? ingestBaseUrl),
  properties: [...state.entrata.properties.values()].filter((p) => p.org === org.org),
});

function applicationView(application: Application, state: SandboxState, url: string) {
  return {
    ...application,
    documents: state.entrata.documentsOf(application.applicationId).map((d) => ({
      fileId: d.fileId,
      fileName: d.fileName,
      fileTypeId: d.fileTypeId,
      fileTypeName: d.fileTypeName,
      customerIds: d.customerIds,
      size: d.size,
      addedOn: d.addedOn.toISOString(),
      downloadUrl: `${url}/sandbox/entrata/documents/${d.fileId}/content`,
    })),
  };
}

export async function entrataControl(
  app: FastifyInstance,
  deps: { state: SandboxState; ingestBaseUrl: string; publicUrl: () => string },
): Promise<void> {
  const { state } = deps;
  const store = state.entrata;

  app.put(
    '/entrata/orgs/:org',
    {
      schema: {
        tags,
        summary: 'Create or replace an org (Entrata customer)',
        params: OrgParams,
        body: OrgBody,
        response: { 200: AnyObject, ...errors },
      },
    },
    async (request) => {
      const { org } = request.params as Static<typeof OrgParams>;
      if (!/^[a-z0-9][a-z0-9-]*$/.test(org))
        throw new ScenarioError(400, 'The org is a subdomain: lower-case letters, digits, dashes.');
      return orgView(
        upsertOrg(store, org, request.body as Static<typeof OrgBody>),
        state,
        deps.ingestBaseUrl,
      );
    },
  );

  app.get('/entrata/orgs', { schema: { tags, summary: 'List orgs' } }, async () => ({
    orgs: [...store.orgs.values()].map((o) => orgView(o, state, deps.ingestBaseUrl)),
  }));

  app.get(
    '/entrata/orgs/:org',
    { schema: { tags, summary: 'One org with its properties', params: OrgParams } },
    async (request) =>
      orgView(requireOrg(store, (request.params as Static<typeof OrgParams>).org), state, deps.ingestBaseUrl),
  );

  app.post(
    '/entrata/orgs/:org/properties',
    {
      schema: {
        tags,
        summary: 'Add a property',
        params: OrgParams,
        body: PropertyBody,
        response: { 201: AnyObject, ...errors },
      },
    },
    async (request, reply) => {
      const org = requireOrg(store, (request.params as Static<typeof OrgParams>).org);
      return reply.code(201).send(addProperty(store, org, request.body as Static<typeof PropertyBody>));
    },
  );

  app.post(
    '/entrata/orgs/:org/applications',
    {
      schema: {
        tags,
        summary: 'Submit an application (fires the application.submitted webhook)',
        params: OrgParams,
        body: ApplicationBody,
        response: { 201: AnyObject, ...errors },
      },
    },
    async (request, reply) => {
      const org = requireOrg(store, (request.params as Static<typeof OrgParams>).org);
      const body = request.body as Static<typeof ApplicationBody>;
      const application = createApplication(store, org, body);
      const webhook = sendApplicationWebhook(
        state.webhooks,
        org,
        application,
        body.webhook ?? 'deliver',
        deps.ingestBaseUrl,
      );
      return reply.code(201).send({ ...applicationView(application, state, deps.publicUrl()), webhook });
    },
  );

  app.get(
    '/entrata/orgs/:org/applications/:applicationId',
    { schema: { tags, summary: 'An application with its applicants and documents', params: AppParams } },
    async (request) => {
      const { org, applicationId } = request.params as Static<typeof AppParams>;
      return applicationView(
        requireApplication(store, requireOrg(store, org), applicationId),
        state,
        deps.publicUrl(),
      );
    },
  );

  app.post(
    '/entrata/orgs/:org/applications/:applicationId/webhook',
    {
      schema: {
        tags,
        summary: 'Fire the application.submitted webhook again (a re-submission)',
        params: AppParams,
        body: Type.Object({ mode: Type.Optional(WebhookModeSchema) }),
      },
    },
    async (request) => {
      const { org: orgName, applicationId } = request.params as Static<typeof AppParams>;
      const org = requireOrg(store, orgName);
      const application = requireApplication(store, org, applicationId);
      const mode = ((request.body as { mode?: WebhookMode } | undefined)?.mode ?? 'deliver') as WebhookMode;
      return sendApplicationWebhook(state.webhooks, org, application, mode, deps.ingestBaseUrl);
    },
  );

  app.patch(
    '/entrata/orgs/:org/applications/:applicationId/applicants/:customerId',
    {
      schema: {
        tags,
        summary: "Edit an applicant's contact details in Entrata (no webhook, as in Entrata)",
        params: Type.Object({
          org: Type.String(),
          applicationId: Type.Integer(),
          customerId: Type.Integer(),
        }),
        body: CustomerPatch,
      },
    },
    async (request) => {
      const { org, applicationId, customerId } = request.params as {
        org: string;
        applicationId: number;
        customerId: number;
      };
      const application = requireApplication(store, requireOrg(store, org), applicationId);
      return updateCustomer(application, customerId, request.body as Static<typeof CustomerPatch>);
    },
  );

  app.get(
    '/entrata/orgs/:org/applications/:applicationId/documents',
    { schema: { tags, summary: 'Documents uploaded to an application', params: AppParams } },
    async (request) => {
      const { org, applicationId } = request.params as Static<typeof AppParams>;
      const application = requireApplication(store, requireOrg(store, org), applicationId);
      return { documents: applicationView(application, state, deps.publicUrl()).documents };
    },
  );

  app.get(
    '/entrata/documents/:fileId/content',
    {
      schema: {
        tags,
        summary: 'Download an uploaded document',
        params: Type.Object({ fileId: Type.Integer() }),
      },
    },
    async (request, reply) => {
      const { fileId } = request.params as { fileId: number };
      const document = store.documents.find((d) => d.fileId === fileId);
      if (!document) throw new ScenarioError(404, `Document ${fileId} not found.`);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${document.fileName.replace(/"/g, '')}"`)
        .send(document.bytes);
    },
  );
}
