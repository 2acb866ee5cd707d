import { EmailStore } from './email/smtp.ts';
import { RateLimiter } from './entrata/rate-limit.ts';
import { type OrgInput, upsertOrg } from './entrata/scenario.ts';
import { EntrataStore } from './entrata/store.ts';
import { FaultInjector } from './faults/faults.ts';
import type { Logger } from './shared/logger.ts';
import { type RetryPolicy, WebhookSender } from './shared/webhook-sender.ts';
import { SmsStore } from './sms/store.ts';
import { PlatformStore } from './verification-platform/store.ts';

/** Orgs (with their properties) to create at start and again after every reset. */
export interface SandboxSeed {
  orgs: (OrgInput & { org: string })[];
}

/** Everything the fakes remember, in memory. `reset()` forgets it all and re-applies the seed. */
export class SandboxState {
  readonly entrata = new EntrataStore();
  readonly rateLimiter = new RateLimiter();
  readonly platform = new PlatformStore();
  readonly email = new EmailStore();
  readonly sms = new SmsStore();
  readonly faults = new FaultInjector();
  readonly webhooks: WebhookSender;
  private readonly seed: SandboxSeed | undefined;

  constructor(options: { retry: RetryPolicy; log: Logger; seed?: SandboxSeed }) {
    this.webhooks = new WebhookSender(options.retry, options.log);
    this.seed = options.seed;
    this.applySeed();
  }

  reset(): void {
    this.entrata.reset();
    this.rateLimiter.reset();
    this.platform.reset();
    this.email.reset();
    this.sms.reset();
    this.faults.clear();
    this.webhooks.clear();
    this.applySeed();
  }

  private applySeed(): void {
    for (const { org, ...input } of this.seed?.orgs ?? []) upsertOrg(this.entrata, org, input);
  }
}
