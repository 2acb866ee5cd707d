/**
 * `make demo`: a scripted walk-through against a running `make dev`. It submits an application in the
 * sandbox's Entrata (primary applicant, co-applicant without a phone, guarantor) at the "Demo Fast Track"
 * property and shows, step by step, what the system does: the webhook to ingest, the invitations by email
 * and SMS, the reminders on the fast schedule, the applicants completing, and the reports in Entrata.
 * Exits 1 naming the step that did not happen in time.
 *
 * Env: SANDBOX_URL (http://127.0.0.1:4000), INGEST_URL, INVITE_URL, REMINDER_URL, NOTIFY_URL, REPORT_SYNC_URL
 * (ports 3001-3005), SUPPORT_URL (http://127.0.0.1:3006), DEMO_ORG (demo-pm), DEMO_PROPERTY_ID (100003).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type ReadMessage, readMessage, verificationIdOf } from './messages.ts';
import { household, uniqueTag } from './people.ts';
import {
  type ApplicantInput,
  type Message,
  SandboxClient,
  SandboxError,
  type WebhookDelivery,
} from './sandbox-client.ts';

const env = process.env;
const sandboxUrl = env.SANDBOX_URL ?? 'http://127.0.0.1:4000';
const services = {
  ingest: env.INGEST_URL ?? 'http://127.0.0.1:3001',
  invite: env.INVITE_URL ?? 'http://127.0.0.1:3002',
  reminder: env.REMINDER_URL ?? 'http://127.0.0.1:3003',
  notify: env.NOTIFY_URL ?? 'http://127.0.0.1:3004',
  'report-sync': env.REPORT_SYNC_URL ?? 'http://127.0.0.1:3005',
};
const supportUrl = env.SUPPORT_URL ?? 'http://127.0.0.1:3006';
const org = env.DEMO_ORG ?? 'demo-pm';
const propertyId = Number(env.DEMO_PROPERTY_ID ?? 100003);
const sandbox = new SandboxClient(sandboxUrl, org);

const startedAt = Date.now();
const colour = process.stdout.isTTY;
const bold = (s: string) => (colour ? `\u001b[1m${s}\u001b[0m` : s);
const dim = (s: string) => (colour ? `\u001b[2m${s}\u001b[0m` : s);
const clock = () => dim(`[+${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s]`);
const say = (line: string) => console.log(`${clock()} ${line}`);
let currentStep = 'start';
const step = (n: number, title: string) => {
  currentStep = `${n}. ${title}`;
  console.log(`\n${bold(currentStep)}`);
};

class StepFailed extends Error {}

/** Polls `check` every 500 ms until it returns a value; fails the named step after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    await sleep(500);
  }
  const detail = lastError ? ` (last error: ${(lastError as Error).message})` : '';
  throw new StepFailed(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s${detail}`);
}

const nameOf = (a: ApplicantInput) => `${a.firstName} ${a.lastName}`;
const roleOf = (a: ApplicantInput) => a.customerType.toLowerCase();
const expectedChannels = (a: ApplicantInput) => (a.phones?.cell ? ['email', 'sms'] : ['email']);

/** Prints every new message of the household as it arrives, and keeps them for the steps to check. */
class Inboxes {
  private readonly seen = new Set<string>();
  readonly received = new Map<ApplicantInput, ReadMessage[]>();
  private readonly people: ApplicantInput[];

  constructor(people: ApplicantInput[]) {
    this.people = people;
    for (const p of people) this.received.set(p, []);
  }

  async poll(): Promise<void> {
    for (const person of this.people) {
      const messages: Message[] = [
        ...(person.email ? await sandbox.messages(person.email, 'email') : []),
        ...(person.phones?.cell ? await sandbox.messages(person.phones.cell, 'sms') : []),
      ];
      for (const message of messages) {
        const id = message.channel === 'email' ? message.id : message.sid;
        if (this.seen.has(id)) continue;
        this.seen.add(id);
        const read = readMessage(message);
        this.received.get(person)?.push(read);
        const to = message.channel === 'email' ? person.email : person.phones?.cell;
        const label = `${read.purpose === 'reminder' ? 'reminder' : 'invite  '} ${read.channel.padEnd(5)}`;
        say(`${label} -> ${nameOf(person)} <${to}> [${read.kind ?? '?'}]`);
        console.log(`             ${dim('"')}${firstLine(read.headline)}${dim('"')}`);
        if (read.link) console.log(`             ${dim('link:')} ${read.link}`);
      }
    }
  }

  /** True when every person has `purpose` messages of each kind on each of their channels. */
  complete(purpose: 'invite' | 'reminder', kinds: string[]): boolean {
    return this.people.every((person) =>
      kinds.every((kind) =>
        expectedChannels(person).every((channel) =>
          this.received
            .get(person)
            ?.some((m) => m.purpose === purpose && m.kind === kind && m.channel === channel),
        ),
      ),
    );
  }
}

const firstLine = (text: string) => {
  const line = text.split('\n')[0] ?? '';
  return line.length > 110 ? `${line.slice(0, 107)}...` : line;
};

async function checkRunning(): Promise<void> {
  const down: string[] = [];
  for (const [name, url] of Object.entries({ sandbox: `${sandboxUrl}/sandbox/entrata/orgs`, ...health() })) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(3000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (!ok) down.push(`${name} (${url})`);
  }
  if (down.length > 0) {
    throw new StepFailed(
      `not reachable: ${down.join(', ')}. Start the system with \`make dev\` in another terminal first.`,
    );
  }
}

const health = () =>
  Object.fromEntries(Object.entries(services).map(([name, url]) => [name, `${url}/health/ready`]));

async function main(): Promise<void> {
  console.log(bold('autoverify demo'));
  console.log(dim(`sandbox ${sandboxUrl}, Entrata org "${org}", property ${propertyId}`));

  step(1, 'The system is running');
  await checkRunning();
  say('sandbox and the five services answer /health/ready');

  step(2, 'An applicant household submits an application in Entrata');
  const people = household(uniqueTag());
  const application = await sandbox.submitApplication({ propertyId, applicants: people });
  say(`Entrata application ${application.applicationId} at property ${propertyId}`);
  for (const person of people) {
    const contact = [person.email, person.phones?.cell ?? 'no phone'].join(', ');
    say(`  ${roleOf(person).padEnd(12)} ${nameOf(person)} (${contact})`);
  }

  step(3, 'Entrata notifies ingest (webhook)');
  const delivery = await until<WebhookDelivery>('the webhook delivery to ingest', 20_000, async () => {
    const found = (await sandbox.deliveries('entrata')).find((d) =>
      d.body.includes(`"${application.webhook.eventId}"`),
    );
    return found?.state === 'delivered' || found?.state === 'failed' ? found : undefined;
  });
  for (const attempt of delivery.attempts) {
    say(`POST ${delivery.url} -> ${attempt.status ?? attempt.error} (${attempt.durationMs} ms)`);
  }
  if (delivery.state !== 'delivered') throw new StepFailed('ingest did not accept the webhook');

  const inboxes = new Inboxes(people);
  const watch = (purpose: 'invite' | 'reminder', kinds: string[]) => async () => {
    await inboxes.poll();
    return inboxes.complete(purpose, kinds) ? true : undefined;
  };

  step(4, 'Each applicant is invited: income and identity, by email, and by SMS where they have a phone');
  await until(
    'the invitations (email + SMS per applicant and kind)',
    45_000,
    watch('invite', ['income', 'identity']),
  );

  step(5, 'Nobody has started yet: reminders follow on the fast demo schedule (~36 s)');
  await until('the first reminders', 120_000, watch('reminder', ['income', 'identity']));

  step(6, 'The applicants open their links and complete the verifications');
  for (const person of people) {
    const links = new Set(
      (inboxes.received.get(person) ?? []).map((m) => m.link).filter((l) => l !== undefined),
    );
    const ids = [...new Set([...links].map(verificationIdOf))];
    for (const id of ids) await sandbox.completeVerification(id);
    say(`${nameOf(person)} completed ${ids.length} verification(s)`);
  }
  say(dim('completion cancels the reminders still pending'));

  step(7, 'The reports land in Entrata (Applicants -> Documents)');
  const expectedReports = 1 + people.length; // the household's income report + identity per applicant
  const documents = await until(`the ${expectedReports} reports in Entrata`, 90_000, async () => {
    const docs = await sandbox.documents(application.applicationId);
    return docs.length >= expectedReports ? docs : undefined;
  });
  const byCustomer = new Map(
    application.customers.map((c) => [c.customerId, `${c.firstName} ${c.lastName}`]),
  );
  for (const d of documents) {
    const who = d.customerIds.map((id) => byCustomer.get(id) ?? id).join(', ');
    say(`${d.fileName}  ${dim(`${d.fileTypeName} (type ${d.fileTypeId}), ${d.size} bytes, for ${who}`)}`);
    console.log(`             ${dim('download:')} ${d.downloadUrl}`);
  }

  await inboxes.poll();
  console.log(
    `\n${bold('Done')} in ${Math.round((Date.now() - startedAt) / 1000)} s. Browse the sandbox at ${sandboxUrl}/docs`,
  );
  console.log(
    `The application in the support console: ${supportUrl}/applications?q=${application.applicationId} ${dim('(sign in with SUPPORT_DEV_TOKEN from config/sandbox.env)')}`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\n${clock()} demo FAILED at step "${currentStep}": ${message}`);
  if (!(error instanceof StepFailed || error instanceof SandboxError)) console.error(error);
  process.exit(1);
});
