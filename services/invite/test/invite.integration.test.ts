import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, loadTenants } from '@autoverify/config';
import {
  ApplicationSubmitted,
  applicantIdFor,
  applicationIdFor,
  type EventOf,
  type PayloadOf,
  topicName,
  topics,
  VerificationCompleted,
} from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import { buildEvent, createKafka, ensureTopics, type KafkaClient, publishEvent } from '@autoverify/messaging';
import { type Sandbox, startSandbox } from '@autoverify/sandbox';
import {
  migrateTestDatabase,
  readTopic,
  type TestDatabase,
  type TestKafka,
  testKafka,
  waitFor,
} from '@autoverify/testing';
import { createVerificationClient } from '@autoverify/verification-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InviteEnv } from '../src/config.ts';
import { type RunningInvite, startInvite } from '../src/service.ts';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const TENANT = 'acme-pm';
const logger = createLogger({ service: 'invite-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const defaults = {
  identityVerification: true,
  channels: { email: true, sms: true },
  reminders: { firstAfterHours: 24, intervalHours: 48, maxCount: 3 },
  inviteExpiryDays: 14,
  timeZone: 'America/Denver',
  state: 'CO',
  entrataFileTypes: { income: '1201', identity: '1202' },
  sender: {
    brandName: 'Acme PM',
    emailFrom: 'leasing@acme.example.com',
    emailFromName: 'Acme Leasing',
    smsFrom: '+13035550100',
  },
};
const tenantsFile = {
  tenants: [
    {
      id: TENANT,
      name: 'Acme Property Management',
      entrata: {
        baseUrl: 'http://127.0.0.1:4000/ext/orgs/acme/v1',
        auth: { type: 'apikey', apiKey: { env: 'ACME_KEY' } },
        propertyIds: ['1'],
        requestsPerMinute: 60,
      },
      webhook: { auth: 'hmac', secrets: [{ env: 'ACME_HOOK' }], toleranceSeconds: 300 },
      reconciliation: { intervalMinutes: 5, lookbackDays: 3 },
      defaults,
      properties: {
        '1': {
          name: 'Aspen Ridge',
          address: { street: '1200 Larimer St', city: 'Denver', state: 'CO', zip: '80204' },
        },
        '2': { name: 'Lone Star Lofts', identityVerification: false },
        // Expires ~2.6 s after the invite: lets the test watch expiry happen.
        '3': { name: 'Quick Expiry', identityVerification: true, inviteExpiryDays: 0.00003 },
      },
    },
  ],
};

type Payload = PayloadOf<typeof ApplicationSubmitted>;
type SubmittedApplicant = Payload['applicants'][number];

let database: TestDatabase;
let kafkaNs: TestKafka;
let kafka: KafkaClient;
let sandbox: Sandbox;
let invite: RunningInvite;
let tmp: string;
const stops: { name: string; stop: () => Promise<void> | void }[] = [];

function applicant(
  entrataApplicationId: string,
  customerId: string,
  contact: Partial<SubmittedApplicant>,
): SubmittedApplicant {
  return {
    applicantId: applicantIdFor(TENANT, entrataApplicationId, customerId),
    entrataCustomerId: customerId,
    role: customerId === '1' ? 'primary' : 'co-applicant',
    firstName: `First${customerId}`,
    lastName: `Last${customerId}`,
    contactIssues: [],
    ...contact,
  };
}

function submission(
  entrataApplicationId: string,
  propertyId: string,
  applicants: SubmittedApplicant[],
): EventOf<typeof ApplicationSubmitted> {
  const applicationId = applicationIdFor(TENANT, entrataApplicationId);
  const payload: Payload = {
    applicationId,
    entrataApplicationId,
    propertyId,
    submittedAt: new Date().toISOString(),
    source: 'webhook',
    applicants,
    excluded: [],
  };
  return buildEvent(ApplicationSubmitted, payload, { tenantId: TENANT, correlationId: applicationId });
}

async function eventsOf(topic: { name: string }, applicationId: string) {
  const messages = await readTopic(kafkaNs.brokers, topicName(topic, kafkaNs.namespace));
  return messages
    .map(
      (m) =>
        m.json as { type: string; id: string; payload: Record<string, unknown> & { applicationId: string } },
    )
    .filter((e) => e.payload.applicationId === applicationId);
}
const invitesOf = (applicationId: string) => eventsOf(topics.invites, applicationId);
const notificationsOf = (applicationId: string) => eventsOf(topics.notificationRequests, applicationId);
const ofType = <T extends { type: string }>(events: T[], type: string) =>
  events.filter((e) => e.type === type);

const groupsFor = (applicationId: string) =>
  [...sandbox.state.platform.groups.values()].filter(
    (g) => g.correlationId === applicationId || g.correlationId?.startsWith(`${applicationId}:`),
  );

/** Waits until the consumer has taken the event in (inbox row) and no platform job is left to run. */
async function settled(event: { id: string; payload: { applicationId: string } }) {
  await waitFor(
    async () => {
      const inbox = await invite.prisma.inboxMessage.count({ where: { eventId: event.id } });
      const app = await invite.prisma.application.findUnique({ where: { id: event.payload.applicationId } });
      return inbox === 1 && app && app.requestStatus !== 'queued' && app.requestStatus !== 'running';
    },
    { timeoutMs: 20_000, message: `event ${event.id} processed` },
  );
}

beforeAll(async () => {
  [database, kafkaNs] = await Promise.all([migrateTestDatabase(serviceDir), testKafka({ prefix: 'invite' })]);
  kafka = createKafka({
    brokers: kafkaNs.brokers,
    clientId: 'invite-test',
    namespace: kafkaNs.namespace,
    logger,
  });
  await ensureTopics(kafka);
  sandbox = await startSandbox({ httpPort: 0, smtpPort: 0, logLevel: 'silent' });
  tmp = mkdtempSync(join(tmpdir(), 'invite-test-'));
  const tenantsPath = join(tmp, 'tenants.json');
  writeFileSync(tenantsPath, JSON.stringify(tenantsFile));
  const tenants = loadTenants(tenantsPath, { ACME_KEY: 'k', ACME_HOOK: 'h' });
  invite = await startInvite({
    env: loadEnv(InviteEnv, {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: kafkaNs.brokers.join(','),
      KAFKA_NAMESPACE: kafkaNs.namespace,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      TENANTS_FILE: tenantsPath,
      PLATFORM_BASE_URL: sandbox.url,
      PLATFORM_CLIENT_ID: sandbox.options.platform.clientId,
      PLATFORM_SECRET_KEY: sandbox.options.platform.secretKey,
    }),
    tenants,
    logger,
    onStop: (name, stop) => stops.push({ name, stop }),
    listen: false,
    jobPollingSeconds: 0.5,
    platform: { timeoutMs: 2000 },
    requestRetry: { retryLimit: 3, retryDelay: 1, retryBackoff: false },
  });
}, 120_000);

afterAll(async () => {
  for (const { stop } of stops.reverse()) await stop();
  await kafka?.disconnect();
  await sandbox?.stop();
  await kafkaNs?.cleanup();
  await database?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe('invite service', () => {
  it('creates one applicant group and invites every applicant on every channel, for income and identity', async () => {
    const ada = applicant('1001', '1', { email: 'ada@example.com', mobilePhone: '+13035550123' });
    const bob = applicant('1001', '2', { email: 'bob@example.com' });
    const event = submission('1001', '1', [ada, bob]);
    await publishEvent(kafka, event);
    const applicationId = event.payload.applicationId;

    const invites = await waitFor(
      async () => {
        const all = await invitesOf(applicationId);
        return ofType(all, 'InviteSent').length === 4 ? all : undefined;
      },
      { timeoutMs: 30_000, message: 'four InviteSent' },
    );

    const groups = groupsFor(applicationId);
    expect(groups).toHaveLength(1);
    const group = groups[0]!;
    expect(group.isInvitationDisabled).toBe(true);
    expect(group.webhookUrl).toBe('http://127.0.0.1:3001/webhooks/verification-platform');
    expect(group.property).toMatchObject({
      name: 'Aspen Ridge',
      street_address: '1200 Larimer St',
      city: 'Denver',
      state: 'CO',
      zip_code: '80204',
    });
    expect(group.applicants.map((a) => [a.email, a.phoneNumber, a.verifications.map((v) => v.type)])).toEqual(
      [
        ['ada@example.com', '+13035550123', ['income', 'identity']],
        ['bob@example.com', undefined, ['income', 'identity']],
      ],
    );

    const requested = ofType(invites, 'VerificationRequested');
    expect(requested).toHaveLength(1);
    expect(requested[0]?.payload).toMatchObject({ applicantGroupId: group.id, entrataApplicationId: '1001' });
    expect(requested[0]?.payload.applicants).toHaveLength(2);

    const notifications = await notificationsOf(applicationId);
    expect(
      notifications
        .map((n) => [
          n.payload.applicantId === ada.applicantId ? 'ada' : 'bob',
          n.payload.kind,
          n.payload.channel,
          n.payload.to,
        ])
        .sort(),
    ).toEqual(
      [
        ['ada', 'identity', 'email', 'ada@example.com'],
        ['ada', 'identity', 'sms', '+13035550123'],
        ['ada', 'income', 'email', 'ada@example.com'],
        ['ada', 'income', 'sms', '+13035550123'],
        ['bob', 'identity', 'email', 'bob@example.com'],
        ['bob', 'income', 'email', 'bob@example.com'],
      ].sort(),
    );
    const adaIncome = group.applicants[0]!.verifications.find((v) => v.type === 'income')!;
    expect(
      notifications.find((n) => n.payload.applicantId === ada.applicantId && n.payload.kind === 'income')
        ?.payload.link,
    ).toBe(`${sandbox.url}/verify/${adaIncome.id}`);
    const sent = ofType(invites, 'InviteSent').find(
      (e) => e.payload.applicantId === ada.applicantId && e.payload.kind === 'income',
    );
    expect(sent?.payload).toMatchObject({ channels: ['email', 'sms'], resend: false });
  }, 60_000);

  it('never creates a second group or invite for the same application: redelivery, re-publication, re-submission', async () => {
    const ada = applicant('1002', '1', { email: 'ada2@example.com' });
    const first = submission('1002', '1', [ada]);
    const applicationId = first.payload.applicationId;
    await publishEvent(kafka, first);
    await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteSent').length === 2, {
      timeoutMs: 30_000,
    });

    await publishEvent(kafka, first); // same event id: the inbox drops it
    const copy = submission('1002', '1', [ada]); // a new event id, same content (replay or re-submission)
    await publishEvent(kafka, copy);
    await settled(copy);
    // Give a wrongly queued job time to run before counting.
    await new Promise((r) => setTimeout(r, 1500));

    expect(groupsFor(applicationId)).toHaveLength(1);
    expect(await notificationsOf(applicationId)).toHaveLength(2);
    expect(ofType(await invitesOf(applicationId), 'InviteSent')).toHaveLength(2);
    expect(ofType(await invitesOf(applicationId), 'VerificationRequested')).toHaveLength(1);
  }, 60_000);

  it('a changed email updates the platform and invites the new address only', async () => {
    const ada = applicant('1003', '1', { email: 'ada3@example.com', mobilePhone: '+13035550133' });
    const first = submission('1003', '1', [ada]);
    const applicationId = first.payload.applicationId;
    await publishEvent(kafka, first);
    await waitFor(async () => (await notificationsOf(applicationId)).length === 4, { timeoutMs: 30_000 });

    await publishEvent(kafka, submission('1003', '1', [{ ...ada, email: 'ada3.new@example.com' }]));
    const notifications = await waitFor(
      async () => {
        const all = await notificationsOf(applicationId);
        return all.length >= 6 ? all : undefined;
      },
      { timeoutMs: 30_000, message: 'two more notifications' },
    );
    await new Promise((r) => setTimeout(r, 1000));
    const again = await notificationsOf(applicationId);
    expect(again).toHaveLength(6);
    const fresh = notifications.slice(4);
    expect(fresh.map((n) => [n.payload.kind, n.payload.channel, n.payload.to]).sort()).toEqual([
      ['identity', 'email', 'ada3.new@example.com'],
      ['income', 'email', 'ada3.new@example.com'],
    ]);
    const resent = ofType(await invitesOf(applicationId), 'InviteSent').filter(
      (e) => e.payload.resend === true,
    );
    expect(resent).toHaveLength(2);
    expect(resent.every((e) => (e.payload.channels as string[]).join() === 'email')).toBe(true);

    const groups = groupsFor(applicationId);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.applicants[0]!.email).toBe('ada3.new@example.com');
  }, 60_000);

  it('verifies income only where identity is disabled', async () => {
    const event = submission('1004', '2', [applicant('1004', '1', { email: 'carol@example.com' })]);
    await publishEvent(kafka, event);
    const applicationId = event.payload.applicationId;
    await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteSent').length === 1, {
      timeoutMs: 30_000,
    });
    await settled(event);
    expect(groupsFor(applicationId)[0]!.applicants[0]!.verifications.map((v) => v.type)).toEqual(['income']);
    expect((await notificationsOf(applicationId)).map((n) => n.payload.kind)).toEqual(['income']);
  }, 60_000);

  it('reports an applicant without contact as blocked and leaves them out of the platform; a newcomer with contact is added later', async () => {
    const dan = applicant('1005', '1', { email: 'dan@example.com' });
    const ghost = applicant('1005', '2', {
      contactIssues: [
        { field: 'email', problem: 'missing' },
        { field: 'phone', problem: 'missing' },
      ],
    });
    const event = submission('1005', '1', [dan, ghost]);
    await publishEvent(kafka, event);
    const applicationId = event.payload.applicationId;

    const blocked = await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteBlocked')[0], {
      timeoutMs: 30_000,
    });
    expect(blocked.payload).toMatchObject({ applicantId: ghost.applicantId, reason: 'no_contact' });
    expect(blocked.payload.detail).toContain('no email address');
    await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteSent').length === 2, {
      timeoutMs: 30_000,
    });
    expect(groupsFor(applicationId)[0]!.applicants).toHaveLength(1);

    // The missing applicant's email is added in Entrata: they are invited (in a group of their own, as the
    // platform cannot add to an existing group), and the block is not reported again.
    const later = submission('1005', '1', [dan, { ...ghost, email: 'ghost@example.com', contactIssues: [] }]);
    await publishEvent(kafka, later);
    await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteSent').length === 4, {
      timeoutMs: 30_000,
    });
    const events = await invitesOf(applicationId);
    expect(ofType(events, 'InviteBlocked')).toHaveLength(1);
    const requested = ofType(events, 'VerificationRequested');
    expect(requested).toHaveLength(2);
    expect(groupsFor(applicationId)).toHaveLength(2);
    expect(
      (requested[1]?.payload.applicants as { applicantId: string }[] | undefined)?.map((a) => a.applicantId),
    ).toEqual([ghost.applicantId]);
  }, 60_000);

  it('records a platform rejection as InviteBlocked platform_rejected', async () => {
    sandbox.state.faults.add({
      target: 'platform',
      kind: 'http_error',
      status: 422,
      message: 'email is undeliverable',
      match: 'POST /api/v1/applicant_groups',
      count: 1,
    });
    const event = submission('1006', '1', [applicant('1006', '1', { email: 'erin@example.com' })]);
    await publishEvent(kafka, event);
    const applicationId = event.payload.applicationId;
    const blocked = await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteBlocked')[0], {
      timeoutMs: 30_000,
    });
    expect(blocked.payload).toMatchObject({ reason: 'platform_rejected' });
    expect(blocked.payload.detail).toContain('422');
    await settled(event);
    expect(groupsFor(applicationId)).toHaveLength(0);
    expect(await notificationsOf(applicationId)).toHaveLength(0);
  }, 60_000);

  it('retries after a platform outage without creating a second group', async () => {
    sandbox.state.faults.add({
      target: 'platform',
      kind: 'http_error',
      status: 503,
      match: 'POST /api/v1/applicant_groups',
      count: 1,
    });
    const event = submission('1007', '1', [applicant('1007', '1', { email: 'fay@example.com' })]);
    await publishEvent(kafka, event);
    const applicationId = event.payload.applicationId;
    await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteSent').length === 2, {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    expect(groupsFor(applicationId)).toHaveLength(1);
    const app = await invite.prisma.application.findUniqueOrThrow({ where: { id: applicationId } });
    expect(app).toMatchObject({ requestStatus: 'done', requestAttempts: 2 });
  }, 120_000);

  it('adopts a group a crashed run created but never recorded (found by correlation id)', async () => {
    const hal = applicant('1009', '1', { email: 'hal@example.com' });
    const event = submission('1009', '1', [hal]);
    const applicationId = event.payload.applicationId;
    const platform = createVerificationClient({
      baseUrl: sandbox.url,
      clientId: sandbox.options.platform.clientId,
      secretKey: sandbox.options.platform.secretKey,
      logger,
    });
    const orphan = await platform.createApplicantGroup({
      applicants: [
        {
          first_name: hal.firstName,
          last_name: hal.lastName,
          email: 'hal@example.com',
          verifications: [{ type: 'income' }, { type: 'identity' }],
        },
      ],
      property: { name: 'Aspen Ridge', street_address: '', city: '', state: 'CO', zip_code: '' },
      decision_maker_display_name: 'Acme PM',
      webhook_url: 'http://127.0.0.1:3001/webhooks/verification-platform',
      is_invitation_disabled: true,
      correlation_id: applicationId,
    });
    await platform.close();

    await publishEvent(kafka, event);
    const requested = await waitFor(
      async () => ofType(await invitesOf(applicationId), 'VerificationRequested')[0],
      { timeoutMs: 30_000 },
    );
    expect(requested.payload.applicantGroupId).toBe(orphan.id);
    expect(groupsFor(applicationId)).toHaveLength(1);
    await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteSent').length === 2, {
      timeoutMs: 30_000,
    });
  }, 60_000);

  it('expires an open invite but not a completed one', async () => {
    const gil = applicant('1008', '1', { email: 'gil@example.com' });
    const event = submission('1008', '3', [gil]);
    await publishEvent(kafka, event);
    const applicationId = event.payload.applicationId;
    const requested = await waitFor(
      async () => ofType(await invitesOf(applicationId), 'VerificationRequested')[0],
      { timeoutMs: 30_000 },
    );
    const income = (
      requested.payload.applicants as { verifications: { kind: string; verificationId: string }[] }[]
    )[0]!.verifications.find((v) => v.kind === 'income')!;
    const completed = buildEvent(
      VerificationCompleted,
      {
        applicationId,
        applicantId: gil.applicantId,
        kind: 'income',
        verificationId: income.verificationId,
        reasonCompleted: 'submitted',
      },
      { tenantId: TENANT, correlationId: applicationId },
    );
    await publishEvent(kafka, completed);
    await publishEvent(kafka, { ...completed, id: crypto.randomUUID() }); // the platform reports completion twice

    const expired = await waitFor(async () => ofType(await invitesOf(applicationId), 'InviteExpired')[0], {
      timeoutMs: 30_000,
    });
    expect(expired.payload).toMatchObject({ applicantId: gil.applicantId, kind: 'identity' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(ofType(await invitesOf(applicationId), 'InviteExpired')).toHaveLength(1);
    const rows = await invite.prisma.invite.findMany({ where: { applicationId }, orderBy: { kind: 'asc' } });
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ['identity', 'expired'],
      ['income', 'completed'],
    ]);
  }, 60_000);
});
