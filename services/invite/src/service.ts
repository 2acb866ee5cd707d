import { createPrismaAdapter } from '@autoverify/database';
import { defineService, type ServiceContext, worker } from '@autoverify/service-kit';
import { type VerificationClient, verificationClientFromEnv } from '@autoverify/verification-client';
import { InviteEnv, platformWebhookUrl } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import { applicationSubmittedHandlers } from './handlers/application-submitted.ts';
import { expireInviteJob } from './handlers/expire-invite.ts';
import { createVerificationRequestJob } from './handlers/request-verification.ts';
import { resendInvite } from './handlers/resend-invite.ts';
import { verificationCompletedHandler } from './handlers/verification-completed.ts';
import { adminRoutes } from './http/admin-routes.ts';
import { createVerificationRequest, expireInvite } from './jobs.ts';
import { eraseApplicant, purgeExpired } from './store/privacy.ts';

export interface InviteOptions {
  /** How long the platform client waits for an answer (the client's own default; tests use a short one). */
  platformTimeoutMs: number;
}

/** What invite's handlers, jobs and routes work with: the shared context and the platform client. */
export interface InviteContext extends ServiceContext<InviteEnv, Tx, InviteOptions> {
  platform: VerificationClient;
  /** Where the platform sends its webhooks: `${INGEST_PUBLIC_URL}/webhooks/verification-platform`. */
  webhookUrl: string;
}

/**
 * Prisma's connections: retention (purge) and the readiness check. The consumer's transactions, the platform
 * and expiry jobs and support's re-sends are plain pg, on service-kit's pool of 10: the consumer holds one at a
 * time, each job run (the platform job's concurrency 2, the expiry job's 2) one for its transaction or
 * statement, a re-send one, and a statement waits for a free one.
 */
const DATABASE_POOL = 2;

/**
 * invite: verification requests at the platform for each submitted application, invitations per applicant
 * and kind, their expiry, and support's deliberate re-send. Reads no tenant secrets (only property settings).
 */
export const inviteService = defineService({
  name: 'invite',
  env: InviteEnv,
  database: (url, pool) =>
    new PrismaClient({ adapter: createPrismaAdapter(url, { maxConnections: DATABASE_POOL, ...pool }) }),
  options: { platformTimeoutMs: 10_000 } satisfies InviteOptions,
  build(shared) {
    const { env } = shared;
    const platform = verificationClientFromEnv(env, shared.logger, {
      timeoutMs: shared.options.platformTimeoutMs,
    });
    shared.onStop('verification platform client', () => platform.close());
    const ctx: InviteContext = { ...shared, platform, webhookUrl: platformWebhookUrl(env.INGEST_PUBLIC_URL) };
    return {
      // Every ApplicationSubmitted and VerificationCompleted is a few statements: plain pg, not Prisma's
      // interactive transaction (docs/architecture.md "Data access rules").
      consumerTransactions: 'sql',
      handlers: [...applicationSubmittedHandlers(ctx), verificationCompletedHandler()],
      jobs: [
        worker(createVerificationRequest, createVerificationRequestJob(ctx)),
        worker(expireInvite, expireInviteJob(ctx)),
      ],
      privacy: { erase: (tx, { applicantId }) => eraseApplicant(tx.sql, applicantId), purge: purgeExpired },
      routes: (app) =>
        adminRoutes(app, {
          tokens: [env.ADMIN_TOKEN, env.ADMIN_TOKEN_PREVIOUS],
          resendInvite: resendInvite(ctx),
        }),
    };
  },
});
