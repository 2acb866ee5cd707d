import type { AddressInfo } from 'node:net';
import { createLogger } from '@autoverify/logger';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { controlRoutes } from './control/routes.ts';
import { startSmtpServer } from './email/smtp.ts';
import { entrataRoutes } from './entrata/routes.ts';
import type { RetryPolicy } from './shared/webhook-sender.ts';
import { twilioRoutes } from './sms/routes.ts';
import type { TwilioDeps } from './sms/twilio.ts';
import { type SandboxSeed, SandboxState } from './state.ts';
import { FileLinks, reportFileRoutes } from './verification-platform/reports.ts';
import { platformRoutes } from './verification-platform/routes.ts';
import { verifyPageRoutes } from './verification-platform/verify-page.ts';

export { ENTRATA_ERRORS } from './entrata/errors.ts';
export { SEND_LEASE_DOCUMENTS_PARTS } from './entrata/multipart.ts';
export { MAX_UPLOAD_BYTES } from './entrata/upload.ts';
export { ENTRATA_SIGNATURE_HEADER, signEntrataWebhook } from './entrata/webhook.ts';
export type { FaultKind, FaultSpec, FaultTarget } from './faults/faults.ts';
export { TWILIO_SIGNATURE_HEADER, twilioSignature } from './sms/twilio-signature.ts';
export { type SandboxSeed, SandboxState } from './state.ts';
export type { PlatformSettings } from './verification-platform/store.ts';
export {
  PLATFORM_SIGNATURE_HEADER,
  type PlatformWebhookBody,
  signPlatformWebhook,
} from './verification-platform/webhooks.ts';

export interface SandboxOptions {
  /** 0 = a free port. Default 4000. */
  httpPort?: number;
  /** 0 = a free port. Default 2525. */
  smtpPort?: number;
  host?: string;
  /** Base URL put into verification links; default the address the sandbox listens on. */
  publicUrl?: string;
  /** Where Entrata webhooks go: `{ingestBaseUrl}/webhooks/entrata/{tenantId}` unless an org says otherwise. */
  ingestBaseUrl?: string;
  /** notify's base URL; inbound SMS go to `{notifyBaseUrl}/webhooks/twilio/inbound`. */
  notifyBaseUrl?: string;
  platform?: { clientId?: string; secretKey?: string; webhookSecret?: string };
  twilio?: { accountSid?: string; authToken?: string; defaultFrom?: string };
  webhookRetry?: Partial<RetryPolicy>;
  /** Pause between an SMS's status changes (each one a status callback). */
  smsStatusDelayMs?: number;
  seed?: SandboxSeed;
  logLevel?: string;
}

export interface ResolvedSandboxOptions {
  ingestBaseUrl: string;
  notifyBaseUrl: string;
  platform: { clientId: string; secretKey: string; webhookSecret: string };
  twilio: { accountSid: string; authToken: string; defaultFrom: string };
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  smtpPort: number;
  state: SandboxState;
  options: ResolvedSandboxOptions;
  stop(): Promise<void>;
}

/** Development credentials: the sandbox is a local fake, never exposed. Override them through options/env. */
export const SANDBOX_DEFAULTS: ResolvedSandboxOptions = {
  ingestBaseUrl: 'http://127.0.0.1:3001',
  notifyBaseUrl: 'http://127.0.0.1:3004',
  platform: {
    clientId: 'sandbox-client',
    secretKey: 'sandbox-secret',
    webhookSecret: 'sandbox-platform-webhook-secret',
  },
  twilio: {
    accountSid: 'AC00000000000000000000000000000000',
    authToken: 'sandbox-twilio-auth-token',
    defaultFrom: '+15005550006',
  },
};

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const resolved: ResolvedSandboxOptions = {
    ingestBaseUrl: options.ingestBaseUrl ?? SANDBOX_DEFAULTS.ingestBaseUrl,
    notifyBaseUrl: options.notifyBaseUrl ?? SANDBOX_DEFAULTS.notifyBaseUrl,
    platform: { ...SANDBOX_DEFAULTS.platform, ...options.platform },
    twilio: { ...SANDBOX_DEFAULTS.twilio, ...options.twilio },
  };
  const app = Fastify({
    loggerInstance: createLogger({
      service: 'sandbox',
      ...(options.logLevel ? { level: options.logLevel } : {}),
    }),
    // A fault may hold a request for a long time; stopping must not wait for it.
    forceCloseConnections: true,
    bodyLimit: 10 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  const state = new SandboxState({
    retry: { attempts: 5, initialDelayMs: 500, timeoutMs: 10_000, ...options.webhookRetry },
    log: app.log,
    ...(options.seed ? { seed: options.seed } : {}),
  });
  let publicUrl = options.publicUrl ?? '';

  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'autoverify sandbox',
        version: '1.0.0',
        description:
          'Local fakes of Entrata, the verification platform, SMTP and Twilio, plus the scenario API under /sandbox.',
      },
      tags: [{ name: 'sandbox', description: 'Scenario (control) API' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(async (scope) =>
    entrataRoutes(scope, { store: state.entrata, rateLimiter: state.rateLimiter, faults: state.faults }),
  );
  const platformWebhooks = {
    store: state.platform,
    sender: state.webhooks,
    webhookSecret: resolved.platform.webhookSecret,
  };
  const fileLinks = new FileLinks();
  await app.register(
    async (scope) =>
      platformRoutes(scope, {
        store: state.platform,
        faults: state.faults,
        credentials: resolved.platform,
        publicUrl: () => publicUrl,
        fileLinks,
      }),
    { prefix: '/api/v1' },
  );
  await app.register(async (scope) =>
    reportFileRoutes(scope, { store: state.platform, faults: state.faults, fileLinks }),
  );
  await app.register(async (scope) => verifyPageRoutes(scope, platformWebhooks));
  const twilio: TwilioDeps = {
    store: state.sms,
    sender: state.webhooks,
    ...resolved.twilio,
    inboundUrl: `${resolved.notifyBaseUrl.replace(/\/$/, '')}/webhooks/twilio/inbound`,
    statusDelayMs: options.smsStatusDelayMs ?? 200,
  };
  await app.register(async (scope) => twilioRoutes(scope, { ...twilio, faults: state.faults }));
  await app.register(
    async (scope) =>
      controlRoutes(scope, {
        state,
        platformWebhooks,
        twilio,
        ingestBaseUrl: resolved.ingestBaseUrl,
        publicUrl: () => publicUrl,
      }),
    { prefix: '/sandbox' },
  );

  await app.listen({ port: options.httpPort ?? 4000, host });
  const address = app.server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  publicUrl ||= url;

  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  try {
    smtp = await startSmtpServer({
      port: options.smtpPort ?? 2525,
      host,
      store: state.email,
      faults: state.faults,
      log: app.log,
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  app.log.info({ url, smtpPort: smtp.port, docs: `${url}/docs` }, 'sandbox ready');

  return {
    url,
    smtpPort: smtp.port,
    state,
    options: resolved,
    async stop() {
      await state.webhooks.stop();
      await Promise.all([app.close(), smtp.close()]);
    },
  };
}
