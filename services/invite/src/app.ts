import type { Tenants } from '@autoverify/config';
import type { Logger } from '@autoverify/logger';
import { type Handler, Outbox, type Transactions } from '@autoverify/messaging';
import type { VerificationClient } from '@autoverify/verification-client';
import type { PrismaClient, Tx } from './db.ts';
import { applicationSubmittedHandlers } from './handlers/application-submitted.ts';
import { type ExpireJobData, expireInviteJob } from './handlers/expire-invite.ts';
import { type RequestJobData, requestVerificationJob } from './handlers/request-verification.ts';
import { type ResendInvite, resendInviteUseCase } from './handlers/resend-invite.ts';
import { verificationCompletedHandler } from './handlers/verification-completed.ts';
import { JOB_NAMES, type JobAttempt, type JobRetry, type JobSender } from './ports.ts';

export interface InviteDeps {
  prisma: PrismaClient;
  transactions: Transactions<Tx>;
  jobs: JobSender;
  platform: VerificationClient;
  tenants: Tenants;
  relay: { wake(): void };
  logger: Logger;
  /** `${INGEST_PUBLIC_URL}/webhooks/verification-platform` */
  webhookUrl: string;
  /** Retries of the platform job (tests use short ones). */
  requestRetry?: JobRetry;
  now?: () => Date;
}

export interface InviteApp {
  /** For startConsumer. */
  handlers: Handler<Tx>[];
  /** Job name -> worker; the caller registers them with its job queue. */
  jobs: {
    [JOB_NAMES.request]: (data: RequestJobData, attempt: JobAttempt) => Promise<void>;
    [JOB_NAMES.expire]: (data: ExpireJobData) => Promise<void>;
  };
  /** Support's deliberate re-send (POST /admin/invites/resend). */
  resendInvite: ResendInvite;
}

/** The invite service's use cases from their dependencies: main.ts and the tests build it the same way. */
export function buildInvite(deps: InviteDeps): InviteApp {
  const outbox = new Outbox<Tx>(deps.transactions);
  return {
    handlers: [
      ...applicationSubmittedHandlers({
        tenants: deps.tenants,
        jobs: deps.jobs,
        ...(deps.requestRetry ? { retry: deps.requestRetry } : {}),
      }),
      verificationCompletedHandler(),
    ],
    jobs: {
      [JOB_NAMES.request]: requestVerificationJob({ ...deps, outbox }),
      [JOB_NAMES.expire]: expireInviteJob({ ...deps, outbox }),
    },
    resendInvite: resendInviteUseCase({ ...deps, outbox }),
  };
}
