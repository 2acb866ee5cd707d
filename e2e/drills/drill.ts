/**
 * One failure drill, start to finish: a stack of its own, a steady stream of applications through the
 * sandbox, the drill's fault injected mid-stream, some applicants completing after recovery (reports,
 * reminder cancellation), a wait until the system is quiet, and the outcome counted from ground truth.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { applicantIdFor, applicationIdFor, type TenantsFile } from '@autoverify/contracts';
import { type Stack, startStack } from '@autoverify/stack';
import { EventLog } from '../src/events.ts';
import { uniqueTag } from '../src/people.ts';
import { SandboxClient, type SubmittedApplication, type WebhookMode } from '../src/sandbox-client.ts';
import { E2E_REMINDERS, E2E_TENANT, e2eTenants, fileTypeIds } from '../src/tenants.ts';
import { inBatches } from './concurrency.ts';
import { collectGroundTruth } from './ground-truth.ts';
import { type OwnKafka, ownKafka } from './infrastructure.ts';
import { computeOutcome, type DrillApplication, type DrillRules, type Outcome } from './outcome.ts';
import { household, propertyRules } from './population.ts';

const HOUR_MS = 3_600_000;
const repoRoot = join(import.meta.dirname, '..', '..');

export interface DrillOptions {
  applications: number;
  /** Applications submitted per second. */
  rate: number;
  /** Services on portBase+1.., the sandbox on portBase+1000 (see startStack). */
  portBase: number;
  /** Longest wait for the system to catch up after the fault. */
  recoveryTimeoutMs: number;
  /**
   * Wait after catching up until every reminder still scheduled would have gone out (default true), so
   * late and repeated reminders are counted; the smoke test only waits for the mailboxes to stop changing.
   */
  awaitReminders?: boolean;
  log: (line: string) => void;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What a drill's fault can reach: the stack, the sandbox, and a way to submit one more application. */
export interface FaultContext {
  stack: Stack;
  sandbox: SandboxClient;
  /** The broker a drill with `ownKafka` runs on (undefined otherwise). */
  kafka: OwnKafka | undefined;
  tenantId: string;
  org: string;
  log: (line: string) => void;
  /** Records a fault injected (one line of the summary's "faults" column each). */
  fault(description: string): void;
  /** Records an assertion made during the fault (e.g. ingest answered 202 while Kafka was down). */
  check(name: string, ok: boolean, detail: string): void;
  /** Submits one more application of the stream, with the given webhook behaviour; it counts like the others. */
  submit(webhook?: WebhookMode): Promise<SubmittedApplication>;
  /** Resolves once this fraction (0-1) of the stream has been submitted (at once when the stream is over). */
  streamed(fraction: number): Promise<void>;
}

export interface Drill {
  name: string;
  description: string;
  /** Drills that stop Kafka run against a broker of their own (never the shared one). */
  ownKafka?: boolean;
  /** Injects the fault mid-stream and resolves once it is over: recovery is timed from then. */
  inject(context: FaultContext): Promise<void>;
}

export interface DrillResult {
  drill: string;
  outcome: Outcome;
  faults: string[];
  checks: Check[];
  /** Whether everything expected arrived (or failed visibly) within the recovery timeout. */
  recovered: boolean;
  /** From the end of the fault until everything expected was there (ms); undefined when it never was. */
  timeToRecoverMs: number | undefined;
  logFile: string;
  error?: string;
}

/** A drill failed when something was lost or duplicated, a reminder went out late, a check failed, or it never caught up. */
export function failed(result: DrillResult): boolean {
  return (
    result.error !== undefined ||
    !result.recovered ||
    result.outcome.lost > 0 ||
    result.outcome.duplicated > 0 ||
    result.outcome.remindersAfterCompletion > 0 ||
    result.checks.some((c) => !c.ok)
  );
}

export async function runDrill(drill: Drill, options: DrillOptions): Promise<DrillResult> {
  const namespace = `drill_${drill.name.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`;
  const logDir = join(process.env.AUTOVERIFY_STATE_DIR ?? join(repoRoot, '.local'), 'drills', namespace);
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'services.log');
  const serviceLog = createWriteStream(logFile, { flags: 'a' });
  const write = (line: string) => serviceLog.write(`${new Date().toISOString()} ${line}\n`);
  const log = (line: string) => {
    options.log(`${drill.name}: ${line}`);
    write(`drill        ${line}`);
  };
  const faults: string[] = [];
  const checks: Check[] = [];
  const apps: DrillApplication[] = [];
  const result = (outcome: Outcome, extra: Partial<DrillResult>): DrillResult => ({
    drill: drill.name,
    outcome,
    faults,
    checks,
    recovered: false,
    timeToRecoverMs: undefined,
    logFile,
    ...extra,
  });

  const kafka = drill.ownKafka ? ownKafka() : undefined;
  let stack: Stack | undefined;
  let tornDown: Promise<void> | undefined;
  // Once only, whether the drill ends or is interrupted while it runs.
  const tearDown = () => {
    tornDown ??= (async () => {
      const started = stack;
      if (started) {
        await started
          .stop({ removeData: true })
          .catch((error: unknown) => log(`stopping the stack: ${(error as Error).message}`));
      }
      if (kafka)
        await kafka.stop().catch((error: unknown) => log(`stopping its broker: ${(error as Error).message}`));
    })();
    return tornDown;
  };
  interruptCleanup = tearDown;
  let tenants: TenantsFile | undefined;
  const previousBrokers = process.env.KAFKA_BROKERS;
  try {
    if (kafka) {
      log(`starting a Kafka broker of its own at ${kafka.brokers}`);
      await kafka.start();
      // startStack reads the broker from the environment (topics, and every service).
      process.env.KAFKA_BROKERS = kafka.brokers;
    }
    log(`starting a stack (namespace ${namespace}, ports ${options.portBase}+); output in ${logFile}`);
    stack = await startStack({
      namespace,
      portBase: options.portBase,
      tenants: (file) => {
        const adjusted = drillTenants(e2eTenants(file, new Date()).file);
        tenants = adjusted;
        return adjusted;
      },
      // Report uploads retry after 1 s, 2 s, 4 s...: recovery is measured, not the default backoff.
      env: { SYNC_RETRY_DELAY_SECONDS: '1' },
      output: write,
      log: (message) => write(`stack        ${message}`),
    });
    if (!tenants) throw new Error('the tenants adjustment did not run');
    const sandbox = new SandboxClient(stack.urls.sandbox, E2E_TENANT);
    const events = new EventLog(stack.brokers.split(','), namespace);
    const tag = uniqueTag();
    const settings = tenants;

    let submitted = 0;
    const submitOne = async (webhook: WebhookMode = 'deliver'): Promise<SubmittedApplication> => {
      const shape = household(submitted++, tag);
      const entrata = await sandbox.submitApplication({ ...shape, webhook });
      const rules = propertyRules(settings, shape.propertyId);
      apps.push({
        entrataApplicationId: entrata.applicationId,
        applicationId: applicationIdFor(E2E_TENANT, String(entrata.applicationId)),
        kinds: rules.kinds,
        channels: rules.channels,
        applicants: shape.applicants.map((input) => {
          const customer = entrata.customers.find((c) => c.email === input.email);
          if (!customer) throw new Error(`Entrata application ${entrata.applicationId} lacks ${input.email}`);
          return {
            customerId: customer.customerId,
            applicantId: applicantIdFor(
              E2E_TENANT,
              String(entrata.applicationId),
              String(customer.customerId),
            ),
            ...(input.email ? { email: input.email } : {}),
            ...(input.phones?.cell ? { cell: input.phones.cell } : {}),
          };
        }),
      });
      return entrata;
    };

    // The stream: one submission every 1/rate s, not waiting for the previous one (the sandbox may be slow
    // to answer while it retries a webhook that ingest refuses).
    log(`streaming ${options.applications} applications at ${options.rate}/s`);
    const streamStarted = Date.now();
    const submissions: Promise<unknown>[] = [];
    let streamErrors = 0;
    let streamOver = false;
    const stream = (async () => {
      for (let i = 0; i < options.applications; i++) {
        submissions.push(
          submitOne().catch((error: unknown) => {
            streamErrors++;
            log(`submission failed: ${(error as Error).message}`);
          }),
        );
        await sleep(Math.max(0, streamStarted + ((i + 1) * 1000) / options.rate - Date.now()));
      }
      await Promise.all(submissions);
    })().finally(() => {
      streamOver = true;
    });

    // Mid-stream: a quarter of the applications are in when the fault starts.
    await waitUntil(() => apps.length >= Math.ceil(options.applications / 4), 120_000);
    log(`injecting the fault after ${apps.length} applications`);
    await drill.inject({
      stack,
      sandbox,
      kafka,
      tenantId: E2E_TENANT,
      org: E2E_TENANT,
      log,
      fault: (description) => {
        faults.push(description);
        log(`fault: ${description}`);
      },
      check: (name, ok, detail) => {
        checks.push({ name, ok, detail });
        log(`check ${ok ? 'passed' : 'FAILED'}: ${name}: ${detail}`);
      },
      submit: submitOne,
      streamed: (fraction) =>
        waitUntil(() => streamOver || submitted >= Math.ceil(options.applications * fraction), 600_000),
    });
    const faultEnded = Date.now();
    log('fault over; waiting for the rest of the stream');
    await stream;
    if (streamErrors > 0)
      checks.push({
        name: 'stream',
        ok: false,
        detail: `${streamErrors} submission(s) to the sandbox failed`,
      });

    // Half of the households complete every verification, as applicants would after the invites.
    const completing = apps.filter((_, i) => i % 2 === 0);
    log(`completing the verifications of ${completing.length} applications`);
    const notCompleted = await completeVerifications(sandbox, completing, options.recoveryTimeoutMs);
    if (notCompleted.length > 0)
      log(
        `${notCompleted.length} application(s) had no verification request to complete: ${notCompleted.slice(0, 5).join(', ')}`,
      );

    const rules: DrillRules = {
      fileTypes: settingsFileTypes(settings),
      maxReminders: E2E_REMINDERS.maxCount,
      completionLagMs: 30_000,
    };
    log('waiting until every expected invite and report is there');
    const caughtUp = await waitForCatchUp(sandbox, events, apps, rules, options.recoveryTimeoutMs, log);
    const timeToRecoverMs = caughtUp === undefined ? undefined : caughtUp - faultEnded;
    log(
      caughtUp === undefined
        ? `not caught up after ${options.recoveryTimeoutMs / 1000} s`
        : `caught up ${Math.round((timeToRecoverMs ?? 0) / 1000)} s after the fault ended`,
    );

    // Quiet: the last reminders are due, and nothing new arrives for a while (late duplicates would show).
    const lastReminderDue =
      options.awaitReminders === false
        ? Date.now()
        : Date.now() +
          (E2E_REMINDERS.firstAfterHours + E2E_REMINDERS.intervalHours * (E2E_REMINDERS.maxCount - 1)) *
            HOUR_MS +
          5000;
    await waitForQuiet(sandbox, apps, lastReminderDue, 180_000);
    const truth = await collectGroundTruth(sandbox, events, apps, { withKafka: true });
    const outcome = computeOutcome(apps, truth, rules);
    for (const line of outcome.problems.slice(0, 20)) log(line);
    for (const line of outcome.visible.slice(0, 20)) log(`visible failure: ${line}`);
    for (const line of outcome.resentSameMessageId) log(`re-sent: ${line}`);
    return result(outcome, { recovered: caughtUp !== undefined, timeToRecoverMs });
  } catch (error) {
    log(`drill aborted: ${(error as Error).stack ?? String(error)}`);
    return result(emptyOutcome(apps.length), { error: (error as Error).message });
  } finally {
    await tearDown();
    interruptCleanup = undefined;
    if (previousBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = previousBrokers;
    serviceLog.end();
  }
}

let interruptCleanup: (() => Promise<void>) | undefined;

/** Stops what the running drill started (its stack, its broker): for Ctrl-C, before the process exits. */
export async function interruptDrill(): Promise<void> {
  await interruptCleanup?.();
}

/**
 * The e2e customers (daytime zones, fast reminders and reconciliation) with Entrata's request budget
 * raised: a stream of hundreds of applications must measure recovery, not the customer's rate limit.
 */
export function drillTenants(file: TenantsFile): TenantsFile {
  return {
    tenants: file.tenants.map((tenant) => ({
      ...tenant,
      entrata: { ...tenant.entrata, requestsPerMinute: Math.max(tenant.entrata.requestsPerMinute, 3000) },
    })),
  };
}

function settingsFileTypes(file: TenantsFile): { income: string; identity: string } {
  const tenant = file.tenants.find((t) => t.id === E2E_TENANT);
  if (!tenant) throw new Error(`no tenant ${E2E_TENANT}`);
  return fileTypeIds(tenant);
}

/** Each applicant of each application completes every verification at the platform; returns the apps that could not. */
async function completeVerifications(
  sandbox: SandboxClient,
  apps: DrillApplication[],
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  const missing: number[] = [];
  await inBatches(apps, 6, async (app) => {
    const primary = app.applicants[0];
    if (!primary?.email) return;
    for (;;) {
      const groups = await sandbox.applicantGroups(primary.email).catch(() => []);
      const group = groups.find((g) => g.applicants.length >= app.applicants.length);
      if (group) {
        for (const applicant of app.applicants) {
          const member = group.applicants.find(
            (a) => a.email?.toLowerCase() === applicant.email?.toLowerCase(),
          );
          if (!member) continue;
          await sandbox.completeApplicant(member.id);
          applicant.completedAt = Date.now();
        }
        return;
      }
      if (Date.now() > deadline) {
        missing.push(app.entrataApplicationId);
        return;
      }
      await sleep(1000);
    }
  });
  return missing;
}

/** Polls ground truth until nothing expected is missing; returns when that was first true, or undefined. */
async function waitForCatchUp(
  sandbox: SandboxClient,
  events: EventLog,
  apps: DrillApplication[],
  rules: DrillRules,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  let round = 0;
  let last = '';
  while (Date.now() < deadline) {
    // The sandbox alone says what arrived; Kafka (slower to read) is consulted now and then to see whether
    // what is missing has failed visibly instead.
    const withKafka = round > 0 && round % 5 === 0;
    const truth = await collectGroundTruth(sandbox, events, apps, { withKafka }).catch((error: unknown) => {
      log(`reading ground truth: ${(error as Error).message}`);
      return undefined;
    });
    if (truth) {
      const outcome = computeOutcome(apps, truth, rules);
      if (outcome.lost === 0) return Date.now();
      const progress = `${outcome.deliveredInvites}/${outcome.expectedInvites} invites, ${outcome.presentDocuments}/${outcome.expectedDocuments} documents`;
      if (progress !== last) log(`waiting: ${progress}`);
      last = progress;
    }
    round++;
    await sleep(3000);
  }
  return undefined;
}

/** Waits until `notBefore`, then until the mailboxes and documents stop changing for 8 s (at most maxMs in all). */
async function waitForQuiet(
  sandbox: SandboxClient,
  apps: DrillApplication[],
  notBefore: number,
  maxMs: number,
): Promise<void> {
  const deadline = Date.now() + maxMs;
  await sleep(Math.max(0, Math.min(notBefore, deadline) - Date.now()));
  const completed = apps.filter((a) => a.applicants.some((p) => p.completedAt !== undefined));
  let previous = '';
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const messages = (await sandbox.allMessages()).length;
    let documents = 0;
    for (const app of completed) documents += (await sandbox.documents(app.entrataApplicationId)).length;
    const now = `${messages}/${documents}`;
    if (now !== previous) {
      previous = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 8000) return;
    await sleep(2000);
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(100);
  }
}

function emptyOutcome(applications: number): Outcome {
  return {
    applications,
    expectedInvites: 0,
    deliveredInvites: 0,
    reminders: 0,
    expectedDocuments: 0,
    presentDocuments: 0,
    lost: 0,
    duplicated: 0,
    visibleFailures: 0,
    remindersAfterCompletion: 0,
    remindersBeforeCompletionKnown: 0,
    remindersInFlightAtCompletion: 0,
    resentSameMessageId: [],
    problems: [],
    visible: [],
  };
}
