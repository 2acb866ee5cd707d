import { VerificationCompleted } from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import { buildEvent } from '@autoverify/messaging';
import { missingReferencedMetrics, scrapeMetrics, waitFor } from '@autoverify/testing';
import { createVerificationClient } from '@autoverify/verification-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireInvite } from '../src/jobs.ts';
import {
  applicant,
  type InviteTest,
  ofType,
  RENT_CENTS,
  startInviteTest,
  submission,
  TENANT,
} from './harness.ts';

const logger = createLogger({ service: 'invite-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let h: InviteTest;

beforeAll(async () => {
  h = await startInviteTest({
    properties: {
      '1': {
        name: 'Aspen Ridge',
        address: { street: '1200 Larimer St', city: 'Denver', state: 'CO', zip: '80204' },
      },
      '2': { name: 'Lone Star Lofts', identityVerification: false },
      // Expires ~2.6 s after the invite: lets the test watch expiry happen.
      '3': { name: 'Quick Expiry', identityVerification: true, inviteExpiryDays: 0.00003 },
    },
  });
});

afterAll(async () => {
  await h?.stop();
});

describe('invite service', () => {
  it('creates one applicant group and invites every applicant on every channel, for income and identity', async () => {
    const ada = applicant('1001', '1', { email: 'ada@example.com', mobilePhone: '+13035550123' });
    const bob = applicant('1001', '2', { email: 'bob@example.com' });
    const event = submission('1001', '1', [ada, bob]);
    await h.publishEnvelope(event);
    const applicationId = event.payload.applicationId;

    const invites = await waitFor(
      async () => {
        const all = await h.invitesOf(applicationId);
        return ofType(all, 'InviteSent').length === 4 ? all : undefined;
      },
      { message: 'four InviteSent' },
    );

    const groups = h.groupsFor(applicationId);
    expect(groups).toHaveLength(1);
    const group = groups[0]!;
    expect(group.isInvitationDisabled).toBe(true);
    expect(group.monthlyRentCents).toBe(RENT_CENTS);
    expect(group.decisionMakerDisplayName).toBe('Acme PM');
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
        ['ada@example.com', '+13035550123', ['income_verification', 'identity_verification']],
        ['bob@example.com', undefined, ['income_verification', 'identity_verification']],
      ],
    );

    const requested = ofType(invites, 'VerificationRequested');
    expect(requested).toHaveLength(1);
    expect(requested[0]?.payload).toMatchObject({ applicantGroupId: group.id, entrataApplicationId: '1001' });
    expect(requested[0]?.payload.applicants).toHaveLength(2);

    const notifications = await h.notificationsOf(applicationId);
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
    const adaIncome = group.applicants[0]!.verifications.find((v) => v.type === 'income_verification')!;
    expect(
      notifications.find((n) => n.payload.applicantId === ada.applicantId && n.payload.kind === 'income')
        ?.payload.link,
    ).toBe(`${h.sandbox.url}/verify/${adaIncome.id}`);
    const sent = ofType(invites, 'InviteSent').find(
      (e) => e.payload.applicantId === ada.applicantId && e.payload.kind === 'income',
    );
    expect(sent?.payload).toMatchObject({ channels: ['email', 'sms'], resend: false });
  });

  it('never creates a second group or invite for the same application: redelivery, re-publication, re-submission', async () => {
    const ada = applicant('1002', '1', { email: 'ada2@example.com' });
    const first = submission('1002', '1', [ada]);
    const applicationId = first.payload.applicationId;
    await h.publishEnvelope(first);
    await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteSent').length === 2);

    await h.publishEnvelope(first); // same event id: the inbox drops it
    const copy = submission('1002', '1', [ada]); // a new event id, same content (replay or re-submission)
    await h.publishEnvelope(copy);
    // A wrongly queued job would hold the application queued/running, and its events would be in the outbox.
    await h.settled(copy);

    expect(h.groupsFor(applicationId)).toHaveLength(1);
    expect(await h.notificationsOf(applicationId)).toHaveLength(2);
    expect(ofType(await h.invitesOf(applicationId), 'InviteSent')).toHaveLength(2);
    expect(ofType(await h.invitesOf(applicationId), 'VerificationRequested')).toHaveLength(1);
  });

  it('a changed email updates the platform and invites the new address only', async () => {
    const ada = applicant('1003', '1', { email: 'ada3@example.com', mobilePhone: '+13035550133' });
    const first = submission('1003', '1', [ada]);
    const applicationId = first.payload.applicationId;
    await h.publishEnvelope(first);
    await waitFor(async () => (await h.notificationsOf(applicationId)).length === 4);

    const changed = submission('1003', '1', [{ ...ada, email: 'ada3.new@example.com' }]);
    await h.publishEnvelope(changed);
    const notifications = await waitFor(
      async () => {
        const all = await h.notificationsOf(applicationId);
        return all.length >= 6 ? all : undefined;
      },
      { message: 'two more notifications' },
    );
    await h.settled(changed);
    const again = await h.notificationsOf(applicationId);
    expect(again).toHaveLength(6);
    const fresh = notifications.slice(4);
    expect(fresh.map((n) => [n.payload.kind, n.payload.channel, n.payload.to]).sort()).toEqual([
      ['identity', 'email', 'ada3.new@example.com'],
      ['income', 'email', 'ada3.new@example.com'],
    ]);
    const resent = ofType(await h.invitesOf(applicationId), 'InviteSent').filter(
      (e) => e.payload.resend === true,
    );
    expect(resent).toHaveLength(2);
    expect(resent.every((e) => (e.payload.channels as string[]).join() === 'email')).toBe(true);

    const groups = h.groupsFor(applicationId);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.applicants[0]!.email).toBe('ada3.new@example.com');
  });

  it('verifies income only where identity is disabled', async () => {
    const event = submission('1004', '2', [applicant('1004', '1', { email: 'carol@example.com' })]);
    await h.publishEnvelope(event);
    const applicationId = event.payload.applicationId;
    await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteSent').length === 1);
    await h.settled(event);
    expect(h.groupsFor(applicationId)[0]!.applicants[0]!.verifications.map((v) => v.type)).toEqual([
      'income_verification',
    ]);
    expect((await h.notificationsOf(applicationId)).map((n) => n.payload.kind)).toEqual(['income']);
  });

  it('reports an applicant without contact as blocked and leaves them out of the platform; a newcomer with contact is added later', async () => {
    const dan = applicant('1005', '1', { email: 'dan@example.com' });
    const ghost = applicant('1005', '2', {
      contactIssues: [
        { field: 'email', problem: 'missing' },
        { field: 'phone', problem: 'missing' },
      ],
    });
    const event = submission('1005', '1', [dan, ghost]);
    await h.publishEnvelope(event);
    const applicationId = event.payload.applicationId;

    const blocked = await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteBlocked')[0]);
    expect(blocked.payload).toMatchObject({ applicantId: ghost.applicantId, reason: 'no_contact' });
    expect(blocked.payload.detail).toContain('no email address');
    await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteSent').length === 2);
    expect(h.groupsFor(applicationId)[0]!.applicants).toHaveLength(1);

    // The missing applicant's email is added in Entrata: they are invited (in a group of their own, as the
    // platform cannot add to an existing group), and the block is not reported again.
    const later = submission('1005', '1', [dan, { ...ghost, email: 'ghost@example.com', contactIssues: [] }]);
    await h.publishEnvelope(later);
    await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteSent').length === 4);
    const events = await h.invitesOf(applicationId);
    expect(ofType(events, 'InviteBlocked')).toHaveLength(1);
    const requested = ofType(events, 'VerificationRequested');
    expect(requested).toHaveLength(2);
    expect(h.groupsFor(applicationId)).toHaveLength(2);
    expect(
      (requested[1]?.payload.applicants as { applicantId: string }[] | undefined)?.map((a) => a.applicantId),
    ).toEqual([ghost.applicantId]);
  });

  it('records a platform rejection as InviteBlocked platform_rejected', async () => {
    h.sandbox.state.faults.add({
      target: 'platform',
      kind: 'http_error',
      status: 422,
      message: 'email is undeliverable',
      match: 'POST /api/v1/applicant_groups',
      count: 1,
    });
    const event = submission('1006', '1', [applicant('1006', '1', { email: 'erin@example.com' })]);
    await h.publishEnvelope(event);
    const applicationId = event.payload.applicationId;
    const blocked = await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteBlocked')[0]);
    expect(blocked.payload).toMatchObject({ reason: 'platform_rejected' });
    expect(blocked.payload.detail).toContain('422');
    await h.settled(event);
    expect(h.groupsFor(applicationId)).toHaveLength(0);
    expect(await h.notificationsOf(applicationId)).toHaveLength(0);
  });

  it('retries after a platform outage without creating a second group', async () => {
    h.sandbox.state.faults.add({
      target: 'platform',
      kind: 'http_error',
      status: 503,
      match: 'POST /api/v1/applicant_groups',
      count: 1,
    });
    const event = submission('1007', '1', [applicant('1007', '1', { email: 'fay@example.com' })]);
    await h.publishEnvelope(event);
    const applicationId = event.payload.applicationId;
    // The retry comes 30 s after the failure (the job's retry delay): more than waitFor's default margin.
    await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteSent').length === 2, {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    expect(h.groupsFor(applicationId)).toHaveLength(1);
    const app = await h.service.db.client.application.findUniqueOrThrow({ where: { id: applicationId } });
    expect(app).toMatchObject({ requestStatus: 'done', requestAttempts: 2 });
  });

  it('adopts a group a crashed run created but never recorded (found by correlation id)', async () => {
    const hal = applicant('1009', '1', { email: 'hal@example.com' });
    const event = submission('1009', '1', [hal]);
    const applicationId = event.payload.applicationId;
    const platform = createVerificationClient({
      baseUrl: h.sandbox.url,
      clientId: h.sandbox.options.platform.clientId,
      secretKey: h.sandbox.options.platform.secretKey,
      logger,
    });
    const orphan = await platform.createApplicantGroup({
      applicants: [
        {
          first_name: hal.firstName,
          last_name: hal.lastName,
          email: 'hal@example.com',
          verifications: [{ type: 'income_verification' }, { type: 'identity_verification' }],
        },
      ],
      property: { name: 'Aspen Ridge', street_address: '', city: '', state: 'CO', zip_code: '' },
      decision_maker_display_name: 'Acme PM',
      monthly_rent: RENT_CENTS,
      webhook_url: 'http://127.0.0.1:3001/webhooks/verification-platform',
      is_invitation_disabled: true,
      correlation_id: applicationId,
    });
    await platform.close();

    await h.publishEnvelope(event);
    const requested = await waitFor(
      async () => ofType(await h.invitesOf(applicationId), 'VerificationRequested')[0],
    );
    expect(requested.payload.applicantGroupId).toBe(orphan.id);
    expect(h.groupsFor(applicationId)).toHaveLength(1);
    await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteSent').length === 2);
  });

  it('expires an open invite but not a completed one', async () => {
    const gil = applicant('1008', '1', { email: 'gil@example.com' });
    const event = submission('1008', '3', [gil]);
    await h.publishEnvelope(event);
    const applicationId = event.payload.applicationId;
    const requested = await waitFor(
      async () => ofType(await h.invitesOf(applicationId), 'VerificationRequested')[0],
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
        reasonCompleted: 'finished',
      },
      { tenantId: TENANT, correlationId: applicationId },
    );
    await h.publishEnvelope(completed);
    await h.publishEnvelope({ ...completed, id: crypto.randomUUID() }); // the platform reports completion twice

    const expired = await waitFor(async () => ofType(await h.invitesOf(applicationId), 'InviteExpired')[0]);
    expect(expired.payload).toMatchObject({ applicantId: gil.applicantId, kind: 'identity' });
    // The completed income invite's expiry job is due at the same time: wait until it has run, and anything it
    // published is on Kafka, before counting.
    await waitFor(
      async () => {
        const [open] = await h.service.db.client.$queryRaw<{ count: bigint }[]>`
          SELECT count(*) FROM pgboss.job WHERE name = ${expireInvite.name}
            AND data->>'applicantId' = ${gil.applicantId} AND state IN ('created', 'retry', 'active')`;
        const unpublished = await h.service.db.client.outboxMessage.count({ where: { publishedAt: null } });
        return open?.count === 0n && unpublished === 0;
      },
      { message: "gil's expiry jobs done" },
    );
    expect(ofType(await h.invitesOf(applicationId), 'InviteExpired')).toHaveLength(1);
    const rows = await h.service.db.client.invite.findMany({
      where: { applicationId },
      orderBy: { kind: 'asc' },
    });
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ['identity', 'expired'],
      ['income', 'completed'],
    ]);
  });

  it('exposes the invite metrics the dashboard and the alert rules query, with the flows above counted', async () => {
    expect(missingReferencedMetrics(await scrapeMetrics(h.service.app), 'invite')).toEqual([]);
  });
});
