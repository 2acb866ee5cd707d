/**
 * invite-latency: how soon every applicant has their invitations (the promise: "within seconds").
 * Applications are submitted through the sandbox's scenario API at a steady rate, the sandbox's Entrata
 * fires the webhook as in production, and the sandbox's inboxes are read once per poll. Times come from
 * the sandbox's own receive timestamps (same clock as the submission), so the poll interval does not
 * add to them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceNames } from '@autoverify/contracts';
import { expectedInvites, readMessage } from '../src/messages.ts';
import { household, person } from '../src/people.ts';
import {
  type ApplicantInput,
  type Message,
  SandboxClient,
  type SubmittedApplication,
} from '../src/sandbox-client.ts';
import { E2E_TENANT, PROPERTIES } from '../src/tenants.ts';
import { startBenchStack } from './bench-stack.ts';
import { hopTable, hopTimes, readHopRows } from './hops.ts';
import { cpuSince, kafkaRoundTrips } from './references.ts';
import type { BenchReport } from './report.ts';
import { fixed, summarize, table } from './stats.ts';

/** Aspen Ridge: income and identity verification, email and SMS: 2-4 invitations per applicant. */
const PROPERTY = PROPERTIES.identity;
const KINDS = ['income', 'identity'] as const;
const POLL_MS = 1000;
/**
 * Applications invited one after the other before the measured load, and reported apart: the first events a
 * process handles pay once for compiling validators, Prisma's first queries and module loading (a CPU
 * profile of a 20-application run put ~10% of invite's CPU there), which is not what each application costs.
 */
const WARM_UP_APPLICATIONS = 3;
/** How long after the last submission the bench waits for the last invitation before it gives up. */
export const INVITE_TIMEOUT_MS = 600_000;

export interface Submission {
  entrata: SubmittedApplication;
  applicants: ApplicantInput[];
  /** Epoch ms just before the submission was sent. */
  submittedAt: number;
}

/** 2 or 3 applicants, alternately: two with email and cell; the demo's household (one without a phone). */
export function applicantsFor(index: number): ApplicantInput[] {
  return index % 2 === 0
    ? [person({ role: 'Primary', firstName: 'Ada' }), person({ role: 'Co-Applicant', firstName: 'Grace' })]
    : household();
}

/** Submits `count` applications, one every 1/rate seconds (not waiting for the previous one's answer). */
export async function submitSteadily(
  sandbox: SandboxClient,
  count: number,
  rate: number,
): Promise<{ submissions: Submission[]; errors: string[] }> {
  const start = Date.now();
  const pending: Promise<Submission | string>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const applicants = applicantsFor(i);
    const submittedAt = Date.now();
    pending.push(
      sandbox.submitApplication({ propertyId: PROPERTY, applicants }).then(
        (entrata) => ({ entrata, applicants, submittedAt }),
        (error: Error) => `application ${i + 1}: ${error.message}`,
      ),
    );
  }
  const settled = await Promise.all(pending);
  return {
    submissions: settled.filter((s): s is Submission => typeof s !== 'string'),
    errors: settled.filter((s): s is string => typeof s === 'string'),
  };
}

export interface ApplicantTimes {
  application: number;
  name: string;
  /** Milliseconds from submission; undefined while not (or never) received. */
  firstEmailMs: number | undefined;
  firstSmsMs: number | undefined;
  allMs: number | undefined;
  /** Expected invitations (`invite income sms`, ...) not received yet. */
  missing: string[];
  expectsSms: boolean;
}

export interface InviteTimes {
  applicants: ApplicantTimes[];
  /** Per application: milliseconds until its last expected invitation; undefined while incomplete. */
  applications: { application: number; submittedAt: number; allMs: number | undefined }[];
}

/**
 * Reads the invitation times out of everything the sandbox received. Pure: the bench calls it on every poll
 * and once more at the end.
 */
export function inviteTimes(submissions: readonly Submission[], messages: readonly Message[]): InviteTimes {
  // Each address and number is unique to its applicant (people.ts), so the recipient identifies them.
  const byRecipient = new Map<string, { at: number; key: string }[]>();
  for (const message of messages) {
    const read = readMessage(message);
    if (read.purpose !== 'invite') continue;
    const entry = { at: Date.parse(message.receivedAt), key: `invite ${read.kind ?? '?'} ${read.channel}` };
    const recipients = message.channel === 'email' ? message.recipients : [message.to];
    for (const recipient of recipients) {
      const list = byRecipient.get(recipient.toLowerCase()) ?? [];
      list.push(entry);
      byRecipient.set(recipient.toLowerCase(), list);
    }
  }
  const applicants: ApplicantTimes[] = [];
  const applications: InviteTimes['applications'] = [];
  for (const submission of submissions) {
    const since = (at: number | undefined) => (at === undefined ? undefined : at - submission.submittedAt);
    let applicationAll: number | undefined = 0;
    for (const applicant of submission.applicants) {
      const received = [
        ...(applicant.email ? (byRecipient.get(applicant.email.toLowerCase()) ?? []) : []),
        ...(applicant.phones?.cell ? (byRecipient.get(applicant.phones.cell) ?? []) : []),
      ];
      const earliest = (channel: string) =>
        minOf(received.filter((r) => r.key.endsWith(` ${channel}`)).map((r) => r.at));
      const expected = expectedInvites(applicant, [...KINDS]);
      const missing: string[] = [];
      let all: number | undefined = 0;
      for (const [key, n] of Object.entries(expected)) {
        const times = received
          .filter((r) => r.key === key)
          .map((r) => r.at)
          .sort((a, b) => a - b);
        const nth = times[n - 1];
        if (nth === undefined) missing.push(key);
        all = nth === undefined || all === undefined ? undefined : Math.max(all, nth);
      }
      applicants.push({
        application: submission.entrata.applicationId,
        name: `${applicant.firstName} ${applicant.lastName} (${applicant.customerType})`,
        firstEmailMs: since(earliest('email')),
        firstSmsMs: since(earliest('sms')),
        allMs: since(all),
        missing,
        expectsSms: Boolean(applicant.phones?.cell),
      });
      applicationAll =
        all === undefined || applicationAll === undefined ? undefined : Math.max(applicationAll, all);
    }
    applications.push({
      application: submission.entrata.applicationId,
      submittedAt: submission.submittedAt,
      allMs: since(applicationAll),
    });
  }
  return { applicants, applications };
}

const minOf = (values: number[]): number | undefined =>
  values.length === 0 ? undefined : Math.min(...values);
const defined = (values: (number | undefined)[]): number[] =>
  values.filter((v): v is number => v !== undefined);

/** Polls the sandbox's messages (one listing call per poll) until every application is fully invited. */
export async function awaitInvites(
  sandbox: SandboxClient,
  submissions: readonly Submission[],
  log: (line: string) => void,
  timeoutMs = INVITE_TIMEOUT_MS,
): Promise<InviteTimes> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = 0;
  for (;;) {
    const times = inviteTimes(submissions, await sandbox.allMessages());
    const done = times.applications.filter((a) => a.allMs !== undefined).length;
    if (done === submissions.length || Date.now() > deadline) return times;
    if (Date.now() - lastLog > 10_000) {
      log(`${done}/${submissions.length} applications fully invited`);
      lastLog = Date.now();
    }
    await sleep(POLL_MS);
  }
}

/** The latency table, the throughput line and, when something never arrived, which invitations. */
export function describeInvites(times: InviteTimes, rate: number): { text: string; missing: string[] } {
  const seconds = (ms: number[]) => {
    const s = summarize(ms);
    return [String(s.count), fixed(s.p50 / 1000, 2), fixed(s.p95 / 1000, 2), fixed(s.max / 1000, 2)];
  };
  const { applicants, applications } = times;
  const complete = applications.filter((a) => a.allMs !== undefined);
  const firstSubmitted = Math.min(...applications.map((a) => a.submittedAt));
  const lastInvited = Math.max(...complete.map((a) => a.submittedAt + (a.allMs as number)));
  const perMinute = complete.length / ((lastInvited - firstSubmitted) / 60_000);
  const rows = [
    ['first invite email (per applicant)', ...seconds(defined(applicants.map((a) => a.firstEmailMs)))],
    [
      'first invite SMS (per applicant with a cell)',
      ...seconds(defined(applicants.filter((a) => a.expectsSms).map((a) => a.firstSmsMs))),
    ],
    ['all invites (per applicant)', ...seconds(defined(applicants.map((a) => a.allMs)))],
    ['all invites (per application)', ...seconds(defined(applications.map((a) => a.allMs)))],
  ];
  const missing = applicants
    .filter((a) => a.missing.length > 0)
    .map((a) => `application ${a.application}, ${a.name}: no ${a.missing.join(', ')}`);
  return {
    text: [
      `${applications.length} applications (${applicants.length} applicants) at ${rate}/s to property ${PROPERTY} ` +
        '(income + identity, email + SMS); seconds from submission to what the sandbox received',
      table(['from submission to', 'count', 'p50 s', 'p95 s', 'max s'], rows),
      complete.length > 0
        ? `throughput: ${fixed(perMinute, 1)} applications/min fully invited ` +
          `(${complete.length} in ${fixed((lastInvited - firstSubmitted) / 1000, 1)} s from the first submission; ` +
          `submitted at ${fixed(rate * 60, 0)}/min)`
        : 'throughput: no application was fully invited',
    ].join('\n'),
    missing,
  };
}

/** Submits the applications and waits for their invitations: the load the memory bench also uses. */
export async function inviteLoad(
  sandbox: SandboxClient,
  options: { applications: number; rate: number },
  log: (line: string) => void,
): Promise<{ times: InviteTimes; submitErrors: string[] }> {
  log(`submitting ${options.applications} applications at ${options.rate}/s`);
  const { submissions, errors } = await submitSteadily(sandbox, options.applications, options.rate);
  log(`submitted; waiting for the invitations (at most ${INVITE_TIMEOUT_MS / 1000} s more)`);
  return { times: await awaitInvites(sandbox, submissions, log), submitErrors: errors };
}

const CPU_PROCESSES = [...serviceNames, 'support', 'sandbox'] as const;

/** CPU each process used from the first submission until every invitation arrived, per application. */
function cpuTable(used: Map<string, number>, applications: number, seconds: number): string {
  const services = [...used].filter(([name]) => name !== 'sandbox');
  const total = services.reduce((sum, [, s]) => sum + s, 0);
  const row = (name: string, s: number) => [
    name,
    fixed(s, 1),
    fixed((s / applications) * 1000, 0),
    fixed((s / seconds) * 100, 0),
  ];
  return [
    `CPU (user + system, /proc/<pid>/stat) from the first submission until all were invited (${fixed(seconds, 0)} s)`,
    table(
      ['process', 'CPU s', 'ms per application', '% of one core'],
      [...[...used].map(([name, s]) => row(name, s)), row('services + support', total)],
    ),
  ].join('\n');
}

export async function inviteLatencyBench(
  options: { applications: number; rate: number; portBase: number },
  log: (line: string) => void,
): Promise<BenchReport> {
  const bench = await startBenchStack('invite-latency', options.portBase, log);
  try {
    const sandbox = new SandboxClient(bench.stack.urls.sandbox, E2E_TENANT);
    const warmUp = await warmUpStack(sandbox, log);
    const since = new Date();
    // CPU per application is the figure that holds on a busy machine: the latencies mostly say how busy it was.
    const cpuUsed = cpuSince(bench.pids(CPU_PROCESSES));
    const { times, submitErrors } = await inviteLoad(sandbox, options, log);
    const cpu = cpuTable(cpuUsed(), options.applications, (Date.now() - since.getTime()) / 1000);
    const { text, missing } = describeInvites(times, options.rate);
    log("reading the hop timestamps from the services' databases; then the kafkajs reference round trips");
    const hops = hopTimes(await readHopRows(bench.stack.databaseUrls, since));
    const reference = await kafkaRoundTrips(bench.stack.brokers, 200);
    return {
      name: 'invite-latency',
      text: `${warmUp.text}\n\n${text}\n\n${cpu}\n\nper hop\n${hopTable(hops, reference)}`,
      failures: [
        ...[...warmUp.submitErrors, ...submitErrors].map((e) => `invite-latency: submission failed: ${e}`),
        ...(missing.length + warmUp.missing.length > 0
          ? [
              `invite-latency: ${missing.length + warmUp.missing.length} applicant(s) still missing invitations ` +
                `${INVITE_TIMEOUT_MS / 1000} s after the last submission (service output: ${bench.logFile}):\n    ` +
                [...warmUp.missing, ...missing].join('\n    '),
            ]
          : []),
      ],
    };
  } finally {
    await bench.close();
  }
}

/** The warm-up: one application at a time, each waited for; its cold latencies are printed, not counted. */
async function warmUpStack(sandbox: SandboxClient, log: (line: string) => void) {
  log(`warm-up: ${WARM_UP_APPLICATIONS} applications, one at a time (not counted)`);
  const all: InviteTimes = { applicants: [], applications: [] };
  const submitErrors: string[] = [];
  for (let i = 0; i < WARM_UP_APPLICATIONS; i++) {
    const { submissions, errors } = await submitSteadily(sandbox, 1, 1);
    const times = await awaitInvites(sandbox, submissions, log);
    all.applicants.push(...times.applicants);
    all.applications.push(...times.applications);
    submitErrors.push(...errors);
  }
  const seconds = all.applications.map((a) =>
    a.allMs === undefined ? 'never' : `${fixed(a.allMs / 1000, 2)} s`,
  );
  return {
    text: `warm-up (not counted): ${WARM_UP_APPLICATIONS} applications one at a time, all invited in ${seconds.join(', ')}`,
    submitErrors,
    missing: describeInvites(all, 1).missing,
  };
}
