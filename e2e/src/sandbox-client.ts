/**
 * A typed client for the sandbox's scenario API (`/sandbox/...`, see sandbox/README.md): what a person or
 * an external system does (submit an application, complete a verification, text STOP) and what they saw
 * (messages, Entrata documents, webhook deliveries). Shapes are the parts the tests and the demo read.
 */
import type { ApplicantGroup, PlatformSettings } from './sandbox-platform.ts';

export type CustomerType = 'Primary' | 'Co-Applicant' | 'Guarantor' | 'Occupant';
export type WebhookMode = 'deliver' | 'drop' | 'duplicate' | 'none';

export interface ApplicantInput {
  firstName: string;
  lastName: string;
  email?: string;
  phones?: { personal?: string; cell?: string; office?: string; fax?: string };
  customerType: CustomerType;
  relationshipName?: string;
}

export interface EntrataCustomer {
  customerId: number;
  firstName: string;
  lastName: string;
  email?: string;
  phones: Record<string, string>;
  customerType: CustomerType;
  relationshipName: string;
}

export interface EntrataDocument {
  fileId: number;
  fileName: string;
  fileTypeId: string;
  fileTypeName: string;
  customerIds: number[];
  size: number;
  addedOn: string;
  downloadUrl: string;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  source: 'entrata' | 'platform' | 'twilio-status' | 'twilio-inbound';
  event: string;
  url: string;
  body: string;
  state: 'delivering' | 'delivered' | 'failed' | 'dropped';
  attempts: DeliveryAttempt[];
  createdAt: string;
}

export interface SubmittedApplication {
  /** Also the lead id: getLeads is asked by the number Entrata shows as the application id. */
  applicationId: number;
  leaseId: number;
  propertyId: number;
  customers: EntrataCustomer[];
  documents: EntrataDocument[];
  webhook: { eventId?: string; url?: string; deliveries: WebhookDelivery[] };
}

export interface EmailMessage {
  channel: 'email';
  id: string;
  /** The Message-ID header as sent: notify keeps it when it sends an email again (see outcome.ts). */
  messageId?: string;
  recipients: string[];
  from?: string;
  to: string[];
  subject?: string;
  text?: string;
  listUnsubscribe?: string;
  receivedAt: string;
}

export interface SmsMessage {
  channel: 'sms';
  sid: string;
  direction: 'outbound-api' | 'outbound-reply' | 'inbound';
  from: string | null;
  to: string;
  body: string;
  status: string;
  receivedAt: string;
}

export type Message = EmailMessage | SmsMessage;

export interface FaultInput {
  target: 'entrata' | 'platform' | 'sms' | 'email';
  kind:
    | 'http_error'
    | 'rate_limit'
    | 'delay'
    | 'entrata_error'
    | 'smtp_temporary'
    | 'smtp_permanent'
    | 'truncated_pdf';
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  code?: number | string;
  message?: string;
  match?: string;
  count?: number;
  durationMs?: number;
}

export interface Fault extends FaultInput {
  id: string;
  hits: number;
  remaining?: number;
}

export class SandboxError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'SandboxError';
    this.status = status;
  }
}

export class SandboxClient {
  readonly baseUrl: string;
  readonly org: string;

  /** @param org the Entrata org the applications go to (the tenants file's `demo-pm`). */
  constructor(baseUrl: string, org = 'demo-pm') {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.org = org;
  }

  submitApplication(input: {
    propertyId: number;
    applicants: ApplicantInput[];
    webhook?: WebhookMode;
  }): Promise<SubmittedApplication> {
    return this.call('POST', `/entrata/orgs/${this.org}/applications`, input);
  }

  application(applicationId: number): Promise<SubmittedApplication> {
    return this.call('GET', `/entrata/orgs/${this.org}/applications/${applicationId}`);
  }

  /** Entrata fires `application.submitted` again (a re-submission, or a webhook retried by hand). */
  refireWebhook(
    applicationId: number,
    mode: WebhookMode = 'deliver',
  ): Promise<SubmittedApplication['webhook']> {
    return this.call('POST', `/entrata/orgs/${this.org}/applications/${applicationId}/webhook`, { mode });
  }

  async documents(applicationId: number): Promise<EntrataDocument[]> {
    const { documents } = await this.call<{ documents: EntrataDocument[] }>(
      'GET',
      `/entrata/orgs/${this.org}/applications/${applicationId}/documents`,
    );
    return documents;
  }

  async downloadDocument(document: EntrataDocument): Promise<Buffer> {
    const response = await fetch(document.downloadUrl, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok)
      throw new SandboxError(`download ${document.downloadUrl}: HTTP ${response.status}`, response.status);
    return Buffer.from(await response.arrayBuffer());
  }

  /** Emails and text messages to one address or number, oldest first. */
  async messages(recipient: string, channel?: 'email' | 'sms'): Promise<Message[]> {
    const query = new URLSearchParams({ recipient, ...(channel ? { channel } : {}) });
    const { messages } = await this.call<{ messages: Message[] }>('GET', `/messages?${query}`);
    // Inbound texts (what the person sent) and Twilio's automatic replies are not ours.
    return messages.filter((m) => m.channel === 'email' || m.direction === 'outbound-api');
  }

  /** Every email and text message the sandbox received, oldest first (a stack of its own: all are ours). */
  async allMessages(channel?: 'email' | 'sms'): Promise<Message[]> {
    const query = channel ? `?${new URLSearchParams({ channel })}` : '';
    const { messages } = await this.call<{ messages: Message[] }>('GET', `/messages${query}`);
    return messages.filter((m) => m.channel === 'email' || m.direction === 'outbound-api');
  }

  async applicantGroups(email?: string): Promise<ApplicantGroup[]> {
    const query = email ? `?${new URLSearchParams({ email })}` : '';
    const { applicantGroups } = await this.call<{ applicantGroups: ApplicantGroup[] }>(
      'GET',
      `/platform/applicant-groups${query}`,
    );
    return applicantGroups;
  }

  /**
   * The verification platform's switches (sandbox/README.md): undocumented assumptions the sandbox offers
   * (group read, applicant ids, links, ...) and documented quirks. Global: restore them after a test.
   */
  platformSettings(settings: Partial<PlatformSettings>): Promise<PlatformSettings> {
    return this.call('PUT', '/platform/settings', settings);
  }

  /** The applicant finishes all their verifications (or only the listed types). */
  completeApplicant(platformApplicantId: string, types?: ('income' | 'identity')[]): Promise<unknown> {
    return this.call('POST', `/platform/applicants/${platformApplicantId}/complete`, types ? { types } : {});
  }

  /** The applicant completes one verification; `duplicate` makes the platform send each webhook twice. */
  completeVerification(verificationId: string, options: { duplicate?: boolean } = {}): Promise<unknown> {
    return this.call('POST', `/verifications/${verificationId}/complete`, options);
  }

  /** A person texts us, e.g. STOP. */
  textUs(
    from: string,
    body: string,
    to?: string,
  ): Promise<{ optOutType: string | null; deliveryId: string }> {
    return this.call('POST', '/sms/inbound', { from, body, ...(to ? { to } : {}) });
  }

  async optedOut(): Promise<string[]> {
    return (await this.call<{ optedOut: string[] }>('GET', '/sms/opt-outs')).optedOut;
  }

  async deliveries(source?: WebhookDelivery['source']): Promise<WebhookDelivery[]> {
    const query = source ? `?source=${source}` : '';
    return (await this.call<{ deliveries: WebhookDelivery[] }>('GET', `/webhooks/deliveries${query}`))
      .deliveries;
  }

  addFault(fault: FaultInput): Promise<Fault> {
    return this.call('POST', '/faults', fault);
  }

  async faults(): Promise<Fault[]> {
    return (await this.call<{ faults: Fault[] }>('GET', '/faults')).faults;
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}/sandbox${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new SandboxError(`${method} ${url}: ${(error as Error).message} (is the sandbox running?)`, 0);
    }
    const text = await response.text();
    if (!response.ok)
      throw new SandboxError(`${method} ${url}: HTTP ${response.status} ${text}`, response.status);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** The verification link in an email or text (the platform's `/verify/{verificationId}` page). */
export function linkIn(message: Message): string | undefined {
  const text = message.channel === 'email' ? (message.text ?? '') : message.body;
  return /https?:\/\/\S+\/verify\/[^\s"<>]+/.exec(text)?.[0]?.replace(/[.,)]+$/, '');
}

/** Subject of an email, or the text message itself. */
export function headlineOf(message: Message): string {
  return message.channel === 'email' ? (message.subject ?? '') : message.body;
}

/** notify's wording: reminder emails start "Reminder:", reminder texts say "<brand> reminder:". */
export function isReminder(message: Message): boolean {
  return message.channel === 'email'
    ? /^Reminder:/i.test(message.subject ?? '')
    : / reminder:/i.test(message.body);
}
