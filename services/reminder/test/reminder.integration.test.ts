import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type EventDefinition,
  type EventOf,
  InviteExpired,
  InviteSent,
  NotificationRequested,
  type PayloadOf,
  ReportCompleted,
  stableUuid,
  topics,
  VerificationCompleted,
} from '@autoverify/contracts';
import { buildEvent } from '@autoverify/messaging';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest, type TestEnvelope } from '@autoverify/service-testing';
import { testTenant, testTenantsFile, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../src/db.ts';
import { queueDueReminders } from '../src/jobs.ts';
import { reminderService } from '../src/service.ts';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const TENANT = 'acme-pm';
const HOUR = 3_600_000;

/**
 * A fixed-offset zone in which the local hour is `hour` right now. Etc/GMT zones have inverted signs:
 * Etc/GMT-3 is UTC+3. Every offset from -12 to +14 exists, so any local hour can be reached. This is how a
 * test proves quiet hours with the real clock: pick a property zone where it is night now.
 */
function zoneWhereLocalHourIs(hour: number, now = new Date()): { zone: string; offsetHours: number } {
  let offset = (hour - now.getUTCHours() + 48) % 24;
  if (offset > 14) offset -= 24;
  const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  return { zone, offsetHours: offset };
}

// Noon there now (at least 4 h from any quiet-hours edge in Colorado rules) and 03:00 there now.
const day = zoneWhereLocalHourIs(12);
const night = zoneWhereLocalHourIs(3);

const tenantsFile = testTenantsFile(
  testTenant(TENANT, {
    defaults: { timeZone: day.zone },
    properties: {
      // The first reminder 1.8 s after the invite, the second 18 s later: a reminder whose job runs when the
      // next one is due as well is skipped as superseded (by design), so the gap must exceed how late a job
      // can run on a loaded 2-core CI machine (a 1.8 s gap was not enough there).
      fast: { reminders: { firstAfterHours: 0.0005, intervalHours: 0.005, maxCount: 2 } },
      // One reminder ~7 s after the invite, for tests that wait for it to fire.
      soon: { reminders: { firstAfterHours: 0.002, intervalHours: 1, maxCount: 3 } },
      // ~22 s: time for the test to act before it is due, even on a loaded machine.
      later: { reminders: { firstAfterHours: 0.006, intervalHours: 1, maxCount: 3 } },
      night: {
        timeZone: night.zone,
        reminders: { firstAfterHours: 0.0005, intervalHours: 1, maxCount: 1 },
      },
    },
  }),
);

let h: ServiceUnderTest<RunningService<Tx>>;
/** When set, the service's clock reads this instead of the real time (fire-time rules only). */
let clockOverride: Date | undefined;

interface Applicant {
  applicationId: string;
  applicantId: string;
}

const newApplicant = (): Applicant => ({
  applicationId: stableUuid('app', randomUUID()),
  applicantId: stableUuid('applicant', randomUUID()),
});

const meta = (a: Applicant) => ({ tenantId: TENANT, correlationId: a.applicationId });
const event = <D extends EventDefinition>(def: D, a: Applicant, payload: PayloadOf<D>): EventOf<D> =>
  buildEvent(def, payload, meta(a));

function inviteSent(a: Applicant, propertyId: string, kind: 'income' | 'identity' = 'income') {
  return event(InviteSent, a, {
    applicationId: a.applicationId,
    applicantId: a.applicantId,
    propertyId,
    kind,
    channels: ['email', 'sms'],
    notificationIds: [`invite:${a.applicantId}:${kind}:email`, `invite:${a.applicantId}:${kind}:sms`],
    link: `https://verify.example.com/v/${a.applicantId}`,
    expiresAt: new Date(Date.now() + 14 * 24 * HOUR).toISOString(),
    resend: false,
  });
}

function inviteNotifications(a: Applicant, invite: EventOf<typeof InviteSent>) {
  const to = { email: `${a.applicantId.slice(0, 8)}@example.com`, sms: '+13035550123' } as const;
  return invite.payload.channels.map((channel) =>
    event(NotificationRequested, a, {
      notificationId: `invite:${a.applicantId}:${invite.payload.kind}:${channel}`,
      applicationId: a.applicationId,
      applicantId: a.applicantId,
      propertyId: invite.payload.propertyId,
      purpose: 'invite',
      kind: invite.payload.kind,
      channel,
      to: to[channel],
      recipientName: 'Ada Lovelace',
      link: invite.payload.link,
      expiresAt: invite.payload.expiresAt,
    }),
  );
}

const completed = (a: Applicant, kind: 'income' | 'identity' = 'income') =>
  event(VerificationCompleted, a, {
    applicationId: a.applicationId,
    applicantId: a.applicantId,
    kind,
    verificationId: 'ver_1',
  });

const eventsFor = async (topic: { name: string }, a: Applicant): Promise<TestEnvelope[]> =>
  (await h.events(topic)).filter((e) => e.payload.applicantId === a.applicantId);
const reminderRequests = async (a: Applicant) =>
  (await eventsFor(topics.notificationRequests, a)).filter((e) => e.payload.purpose === 'reminder');
const reminderEvents = (a: Applicant) => eventsFor(topics.reminders, a);

const processed = (e: { id: string }) =>
  waitFor(async () => (await h.service.db.client.inboxMessage.count({ where: { eventId: e.id } })) === 1, {
    message: `event ${e.id} processed`,
  });

const publish = (...events: { id: string }[]) => h.publishEnvelope(...events);

const rows = (a: Applicant) =>
  h.service.db.client.reminder.findMany({
    where: { applicantId: a.applicantId },
    orderBy: { number: 'asc' },
  });

beforeAll(async () => {
  h = await startServiceUnderTest(reminderService, {
    serviceDir,
    tenants: tenantsFile,
    listen: false,
    clock: { now: () => clockOverride ?? new Date() },
  });
});

afterAll(async () => {
  await h?.stop();
});

describe('reminder service', () => {
  it('reports ready', async () => {
    const response = await h.service.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
  });

  it('sends each due reminder once per channel, to the contacts the invite used', async () => {
    const a = newApplicant();
    const invite = inviteSent(a, 'fast');
    // The contacts first, as in production where the first reminder is hours after them: here it is due
    // 1.8 s after the invite, sooner than a loaded consumer may have stored the contacts from another topic.
    const notifications = inviteNotifications(a, invite);
    await publish(...notifications);
    for (const notification of notifications) await processed(notification);
    await publish(invite);

    const requests = await waitFor(
      async () => {
        const all = await reminderRequests(a);
        return all.length >= 4 ? all : undefined;
      },
      { message: 'four reminder NotificationRequested' },
    );

    expect(
      requests.map((r) => [r.payload.notificationId, r.payload.reminderNumber, r.payload.to]).sort(),
    ).toEqual(
      [
        [`reminder:${a.applicantId}:income:1:email`, 1, `${a.applicantId.slice(0, 8)}@example.com`],
        [`reminder:${a.applicantId}:income:1:sms`, 1, '+13035550123'],
        [`reminder:${a.applicantId}:income:2:email`, 2, `${a.applicantId.slice(0, 8)}@example.com`],
        [`reminder:${a.applicantId}:income:2:sms`, 2, '+13035550123'],
      ].sort(),
    );
    for (const r of requests) {
      expect(r.payload).toMatchObject({
        applicationId: a.applicationId,
        propertyId: 'fast',
        purpose: 'reminder',
        kind: 'income',
        recipientName: 'Ada Lovelace',
        link: invite.payload.link,
        expiresAt: invite.payload.expiresAt,
      });
    }
    const scheduled = (await reminderEvents(a)).filter((e) => e.type === 'ReminderScheduled');
    expect(scheduled.map((e) => [e.payload.reminderNumber, e.payload.shiftedForQuietHours])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(scheduled[0]?.payload.dueAt).toBe(new Date(Date.parse(invite.occurredAt) + 1_800).toISOString());
    expect((await rows(a)).map((r) => [r.id, r.status])).toEqual([
      [`reminder:${a.applicantId}:income:1`, 'sent'],
      [`reminder:${a.applicantId}:income:2`, 'sent'],
    ]);

    // Replays: the same envelope again (inbox) and a copy with a new event id (deterministic rows).
    const copy = { ...invite, id: randomUUID() };
    await publish(invite, copy);
    await processed(copy);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await reminderRequests(a)).toHaveLength(4);
    expect((await reminderEvents(a)).filter((e) => e.type === 'ReminderScheduled')).toHaveLength(2);
  });

  it('learns the contacts when they arrive after the InviteSent', async () => {
    const a = newApplicant();
    const invite = inviteSent(a, 'soon');
    await publish(invite);
    await processed(invite);
    await publish(...inviteNotifications(a, invite));
    const requests = await waitFor(
      async () => {
        const all = await reminderRequests(a);
        return all.length >= 2 ? all : undefined;
      },
      { message: 'reminder 1 on two channels' },
    );
    expect(requests.map((r) => r.payload.channel).sort()).toEqual(['email', 'sms']);
  });

  it('keeps the newest contact per channel of requests handled together, and ignores reminder requests', async () => {
    const a = newApplicant();
    const [email, sms] = inviteNotifications(a, inviteSent(a, 'later'));
    if (!email || !sms) throw new Error('two channels expected');
    const requested = (payload: PayloadOf<typeof NotificationRequested>, offsetMs = 0) =>
      buildEvent(NotificationRequested, payload, meta(a), { now: new Date(Date.now() + offsetMs) });
    const newer = requested({ ...email.payload, to: 'newer@example.com' }, 1000);
    const older = requested({ ...email.payload, to: 'older@example.com' }, -1000);
    const reminder = requested({
      ...sms.payload,
      notificationId: `reminder:${a.applicantId}:income:sms:1`,
      purpose: 'reminder',
      reminderNumber: 1,
      to: '+13035550199',
    });
    await publish(newer, older, sms, reminder);
    await processed(reminder);
    const contacts = await h.service.db.client.contact.findMany({
      where: { applicantId: a.applicantId },
      orderBy: { channel: 'asc' },
    });
    expect(contacts.map((c) => [c.channel, c.recipient])).toEqual([
      ['email', 'newer@example.com'],
      ['sms', '+13035550123'],
    ]);
  });

  it('cancels reminders when the verification completes before they are due', async () => {
    const a = newApplicant();
    const invite = inviteSent(a, 'later');
    await publish(...inviteNotifications(a, invite), invite);
    await processed(invite);
    expect((await rows(a)).map((r) => r.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);

    const done = completed(a);
    await publish(done);
    const cancelled = await waitFor(
      async () => (await reminderEvents(a)).find((e) => e.type === 'ReminderCancelled'),
      {
        message: 'ReminderCancelled',
      },
    );
    expect(cancelled.payload).toMatchObject({
      applicationId: a.applicationId,
      kind: 'income',
      reason: 'completed',
      cancelled: 3,
    });
    expect((await rows(a)).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);

    // Past the first due time (~22 s after the invite): still nothing sent.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Date.parse(invite.occurredAt) + 21_600 + 3_000 - Date.now())),
    );
    expect(await reminderRequests(a)).toHaveLength(0);
    // A repeated completion (applicants can reopen) cancels nothing more and announces nothing.
    const again = completed(a);
    await publish(again);
    await processed(again);
    expect((await reminderEvents(a)).filter((e) => e.type === 'ReminderCancelled')).toHaveLength(1);
  });

  it('plans no reminders when the completion arrived before the InviteSent', async () => {
    const a = newApplicant();
    const done = completed(a);
    const report = event(ReportCompleted, a, {
      applicationId: a.applicationId,
      entrataApplicationId: '1001',
      propertyId: 'fast',
      applicantGroupId: 'grp_1',
      reportId: 'rep_1',
      reportType: 'identity',
      scope: 'applicant',
      applicantIds: [a.applicantId],
      entrataCustomerIds: ['1'],
    });
    await publish(done, report);
    await processed(report);
    const income = inviteSent(a, 'fast', 'income');
    const identity = inviteSent(a, 'fast', 'identity');
    await publish(...inviteNotifications(a, income), income, ...inviteNotifications(a, identity), identity);
    await processed(identity);
    await processed(income);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await rows(a)).toEqual([]);
    expect(await reminderEvents(a)).toEqual([]);
    expect(await reminderRequests(a)).toEqual([]);
  });

  it('plans the InviteSent handled together: each invite once, a resend merged, a closed invite skipped', async () => {
    const a = newApplicant();
    const b = { applicationId: a.applicationId, applicantId: stableUuid('applicant', randomUUID()) };
    const done = completed(b, 'identity');
    await publish(done);
    await processed(done);
    const first = inviteSent(a, 'later');
    const resend = buildEvent(
      InviteSent,
      {
        ...first.payload,
        channels: ['email'],
        link: `${first.payload.link}?resent`,
        expiresAt: new Date(Date.parse(first.payload.expiresAt) + HOUR).toISOString(),
        resend: true,
      },
      meta(a),
      { now: new Date(Date.parse(first.occurredAt) + 1000) },
    );
    const other = inviteSent(b, 'later');
    const closed = inviteSent(b, 'later', 'identity');
    await publish(first, other, resend, closed);
    await processed(closed);

    const invite = await h.service.db.client.invite.findUniqueOrThrow({
      where: { applicantId_kind: { applicantId: a.applicantId, kind: 'income' } },
    });
    expect(invite).toMatchObject({
      channels: ['email', 'sms'],
      link: resend.payload.link,
      sentAt: new Date(first.occurredAt),
      lastSentAt: new Date(resend.occurredAt),
      expiresAt: new Date(resend.payload.expiresAt),
    });
    const numbersOf = async (x: Applicant) => (await rows(x)).map((r) => [r.kind, r.number]);
    expect(await numbersOf(a)).toEqual([
      ['income', 1],
      ['income', 2],
      ['income', 3],
    ]);
    expect(await numbersOf(b)).toEqual([
      ['income', 1],
      ['income', 2],
      ['income', 3],
    ]);
    const scheduled = async (x: Applicant) =>
      (await reminderEvents(x)).filter((e) => e.type === 'ReminderScheduled');
    await waitFor(async () => (await scheduled(a)).length === 3 && (await scheduled(b)).length === 3, {
      message: 'three ReminderScheduled per applicant',
    });
    expect(new Set((await scheduled(a)).map((e) => e.causationId))).toEqual(new Set([first.id]));
    expect(new Set((await scheduled(b)).map((e) => e.causationId))).toEqual(new Set([other.id]));
    expect((await scheduled(b)).every((e) => e.payload.kind === 'income')).toBe(true);
  });

  it('cancels reminders when the invite expires', async () => {
    const a = newApplicant();
    const invite = inviteSent(a, 'later');
    await publish(invite);
    await processed(invite);
    await publish(
      event(InviteExpired, a, {
        applicationId: a.applicationId,
        applicantId: a.applicantId,
        kind: 'income',
        expiredAt: new Date().toISOString(),
      }),
    );
    const cancelled = await waitFor(
      async () => (await reminderEvents(a)).find((e) => e.type === 'ReminderCancelled'),
      {
        message: 'ReminderCancelled',
      },
    );
    expect(cancelled.payload).toMatchObject({ reason: 'expired', cancelled: 3 });
  });

  it('moves a reminder due at night to the opening of the next window', async () => {
    const a = newApplicant();
    const invite = inviteSent(a, 'night');
    await publish(...inviteNotifications(a, invite), invite);
    const scheduled = await waitFor(
      async () => (await reminderEvents(a)).find((e) => e.type === 'ReminderScheduled'),
      {
        message: 'ReminderScheduled',
      },
    );
    // 03:xx local now; the federal (Colorado) window opens at 08:00 local the same day.
    const local = new Date(Date.parse(invite.occurredAt) + night.offsetHours * HOUR);
    const expected =
      Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 8) - night.offsetHours * HOUR;
    expect(scheduled.payload).toMatchObject({
      reminderNumber: 1,
      shiftedForQuietHours: true,
      dueAt: new Date(expected).toISOString(),
    });
    expect((await rows(a))[0]?.dueAt.toISOString()).toBe(new Date(expected).toISOString());
  });

  it('re-checks quiet hours when the job runs late, and reschedules instead of sending', async () => {
    const a = newApplicant();
    const invite = inviteSent(a, 'soon');
    await publish(...inviteNotifications(a, invite), invite);
    await processed(invite);
    // As if the job ran 12 h late: midnight in the property's zone.
    const fireTime = new Date(Date.now() + 12 * HOUR);
    clockOverride = fireTime;
    try {
      const rescheduled = await waitFor(
        async () =>
          (await reminderEvents(a)).filter(
            (e) => e.type === 'ReminderScheduled' && e.payload.reminderNumber === 1,
          )[1],
        { message: 'a second ReminderScheduled for reminder 1' },
      );
      const local = new Date(fireTime.getTime() + day.offsetHours * HOUR);
      const nextDay = local.getUTCHours() >= 8 ? 1 : 0;
      const expected =
        Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + nextDay, 8) -
        day.offsetHours * HOUR;
      expect(rescheduled.payload).toMatchObject({
        shiftedForQuietHours: true,
        dueAt: new Date(expected).toISOString(),
      });
      const [first] = await rows(a);
      expect(first).toMatchObject({ status: 'scheduled', shiftedForQuietHours: true });
      expect(first?.dueAt.toISOString()).toBe(new Date(expected).toISOString());
      expect(await reminderRequests(a)).toEqual([]);
    } finally {
      clockOverride = undefined;
    }
  });
  it('queues only the reminders coming due: later ones wait in the table until a tick takes them', async () => {
    const a = newApplicant();
    const invite = inviteSent(a, 'soon');
    await publish(...inviteNotifications(a, invite), invite);
    await processed(invite);
    // Reminder 1 is due within minutes: queued with the row. 2 and 3 are hours away: no job yet.
    expect((await rows(a)).map((r) => [r.number, r.jobId !== null])).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    // Reminder 2 comes due now (as if hours had passed); the tick queues it, and it fires.
    await h.service.db.client.reminder.update({
      where: { id: `reminder:${a.applicantId}:income:2` },
      data: { dueAt: new Date() },
    });
    await h.service.jobs.send(queueDueReminders, {});
    await waitFor(async () => (await reminderRequests(a)).some((r) => r.payload.reminderNumber === 2), {
      message: 'reminder 2 requested after the tick',
    });
    const [, second, third] = await rows(a);
    expect(second).toMatchObject({ status: 'sent' });
    expect(third).toMatchObject({ status: 'scheduled', jobId: null });
  });
});
