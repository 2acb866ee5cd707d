import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  ApplicantErasureRequested,
  InviteSent,
  NotificationRequested,
  stableUuid,
  topics,
} from '@autoverify/contracts';
import { buildEvent } from '@autoverify/messaging';
import { type RunningService, retentionJob } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest } from '@autoverify/service-testing';
import { findStoredValues, testTenant, testTenantsFile, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../src/db.ts';
import { reminderService } from '../src/service.ts';

const TENANT = 'acme-pm';
let h: ServiceUnderTest<RunningService<Tx>>;

beforeAll(async () => {
  h = await startServiceUnderTest(reminderService, {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    // Reminders an hour away: nothing fires while the test looks at the rows.
    tenants: testTenantsFile(
      testTenant(TENANT, {
        properties: { later: { reminders: { firstAfterHours: 1, intervalHours: 1, maxCount: 2 } } },
      }),
    ),
    listen: false,
    encryptEvents: true,
  });
});

afterAll(async () => {
  await h?.stop();
});

/** An applicant invited by email and SMS, with reminders planned; returns their ids and personal values. */
async function invitedApplicant() {
  const a = {
    applicationId: stableUuid('app', randomUUID()),
    applicantId: stableUuid('applicant', randomUUID()),
  };
  const person = {
    email: `${randomUUID().slice(0, 8)}@example.com`,
    phone: `+1303556${String(1000 + Math.floor(Math.random() * 8999))}`,
    name: `Ada ${randomUUID().slice(0, 6)}`,
    link: `https://verify.example.com/v/${randomUUID()}`,
  };
  const meta = { tenantId: TENANT, correlationId: a.applicationId };
  const expiresAt = new Date(Date.now() + 14 * 24 * 3_600_000).toISOString();
  const notifications = (['email', 'sms'] as const).map((channel) =>
    buildEvent(
      NotificationRequested,
      {
        notificationId: `invite:${a.applicantId}:income:${channel}`,
        ...a,
        propertyId: 'later',
        purpose: 'invite',
        kind: 'income',
        channel,
        to: channel === 'email' ? person.email : person.phone,
        recipientName: person.name,
        link: person.link,
        expiresAt,
      },
      meta,
    ),
  );
  const invite = buildEvent(
    InviteSent,
    {
      ...a,
      propertyId: 'later',
      kind: 'income',
      channels: ['email', 'sms'],
      notificationIds: notifications.map((n) => n.payload.notificationId),
      link: person.link,
      expiresAt,
      resend: false,
    },
    meta,
  );
  await h.publishEnvelope(...notifications, invite);
  await waitFor(
    async () =>
      (await h.service.db.client.reminder.count({ where: { applicantId: a.applicantId } })) === 2 &&
      (await h.service.db.client.contact.count({ where: { applicantId: a.applicantId } })) === 2,
    { message: 'reminders planned and contacts recorded' },
  );
  return { ...a, values: [person.email, person.phone, person.name, person.link] };
}

describe('reminder: erasure of one applicant and retention', () => {
  it('erases the applicant (invite link, contacts, reminders) and confirms it; others are kept', async () => {
    const erased = await invitedApplicant();
    const kept = await invitedApplicant();
    const requestId = randomUUID();
    await h.publish(
      ApplicantErasureRequested,
      {
        requestId,
        applicationId: erased.applicationId,
        applicantId: erased.applicantId,
        requestedBy: 'support:test',
        reason: 'DSR-test',
      },
      { tenantId: TENANT, correlationId: erased.applicationId },
    );
    const confirmed = await waitFor(
      async () =>
        (await h.events(topics.erasures, 'ApplicantErased')).find((e) => e.payload.requestId === requestId),
      { message: 'ApplicantErased' },
    );
    expect(confirmed.payload).toMatchObject({
      service: 'reminder',
      applicantId: erased.applicantId,
      erased: { invites: 1, contacts: 2, reminders: 2 },
    });
    expect(await findStoredValues(h.database.url, erased.values)).toEqual([]);
    expect(await findStoredValues(h.database.url, kept.values)).not.toEqual([]);
  });

  it('the retention job deletes an expired invite unchanged for RETENTION_DAYS, with its contacts and reminders', async () => {
    const old = await invitedApplicant();
    const recent = await invitedApplicant();
    const db = h.service.db.client;
    const longAgo = new Date(Date.now() - 91 * 24 * 3_600_000);
    // SQL in the test: @updatedAt would otherwise stamp the row with now.
    await db.$executeRaw`UPDATE invites SET updated_at = ${longAgo}, expires_at = ${longAgo} WHERE applicant_id = ${old.applicantId}::uuid`;
    await db.contact.updateMany({ where: { applicantId: old.applicantId }, data: { observedAt: longAgo } });
    await h.service.jobs.send(retentionJob, {});
    await waitFor(async () => (await db.invite.count({ where: { applicantId: old.applicantId } })) === 0, {
      message: 'old invite purged',
    });
    expect(await findStoredValues(h.database.url, old.values)).toEqual([]);
    expect(await db.reminder.count({ where: { applicantId: old.applicantId } })).toBe(0);
    expect(await db.invite.count({ where: { applicantId: recent.applicantId } })).toBe(1);
  });
});
