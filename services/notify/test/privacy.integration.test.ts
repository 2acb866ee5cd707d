import { randomUUID } from 'node:crypto';
import { ApplicantErasureRequested, topics } from '@autoverify/contracts';
import { retentionJob } from '@autoverify/service-kit';
import { findStoredValues, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SMS_FROM, startHarness, TENANT, uniqueId } from './harness.ts';

let h: Harness;
const phone = () => `+1720556${String(1000 + Math.floor(Math.random() * 8999))}`;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** Sends an email and an SMS to one applicant and has the number reply STOP; returns what identifies them. */
async function contactApplicant(applicantId: string, applicationId: string) {
  const person = {
    email: `${uniqueId('person')}@example.com`,
    phone: phone(),
    name: `Grace ${uniqueId('Hopper')}`,
    link: `https://verify.example.com/v/${uniqueId('ver')}`,
  };
  const common = { applicantId, applicationId, recipientName: person.name, link: person.link };
  const email = await h.request({ ...common, channel: 'email', to: person.email });
  const sms = await h.request({ ...common, channel: 'sms', to: person.phone });
  await h.waitForOutcome(email.payload.notificationId, 'NotificationSent');
  await h.waitForOutcome(sms.payload.notificationId, 'NotificationSent');
  const reply = await fetch(`${h.sandbox.url}/sandbox/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: person.phone, to: SMS_FROM, body: 'STOP' }),
  });
  expect(reply.status).toBe(200);
  await waitFor(
    async () =>
      (await h.db.query('SELECT 1 FROM suppressions WHERE address = $1', [person.phone])).length === 1,
    { message: 'suppression after STOP' },
  );
  return person;
}

const erasure = async (applicationId: string, applicantId: string) => {
  const requestId = randomUUID();
  await h.base.publish(
    ApplicantErasureRequested,
    { requestId, applicationId, applicantId, requestedBy: 'support:test', reason: 'DSR-test' },
    { tenantId: TENANT, correlationId: applicationId },
  );
  return waitFor(
    async () =>
      (await h.base.events(topics.erasures, 'ApplicantErased')).find(
        (e) => e.payload.requestId === requestId,
      ),
    { message: `ApplicantErased for ${requestId}` },
  );
};

describe('notify: erasure of one applicant and retention', () => {
  it('erases every personal value of the applicant, keeps the others, and confirms it (twice: idempotent)', async () => {
    const applicationId = randomUUID();
    const erased = randomUUID();
    const kept = randomUUID();
    const person = await contactApplicant(erased, applicationId);
    const other = await contactApplicant(kept, applicationId);
    const values = (p: typeof person) => [p.email, p.phone, p.name, p.link];

    const confirmed = await erasure(applicationId, erased);
    expect(confirmed.payload).toMatchObject({
      service: 'notify',
      applicantId: erased,
      erased: { notifications: 2, suppressions: 1, inbound_messages: 1 },
    });
    expect(await findStoredValues(h.base.database.url, values(person))).toEqual([]);
    expect(await findStoredValues(h.base.database.url, values(other))).not.toEqual([]);

    const again = await erasure(applicationId, erased);
    expect(again.payload.erased).toMatchObject({ notifications: 0, suppressions: 0, inbound_messages: 0 });
  });

  it('the retention job deletes notifications and inbound SMS older than RETENTION_DAYS, not newer ones', async () => {
    const applicationId = randomUUID();
    const old = await contactApplicant(randomUUID(), applicationId);
    const recent = await contactApplicant(randomUUID(), applicationId);
    // 91 days since their final state (the default RETENTION_DAYS is 90).
    await h.db.query(
      "UPDATE notifications SET updated_at = now() - interval '91 days' WHERE recipient = ANY($1::text[])",
      [[old.email, old.phone]],
    );
    await h.db.query(
      "UPDATE inbound_messages SET received_at = now() - interval '91 days' WHERE from_number = $1",
      [old.phone],
    );
    await h.notify.jobs.send(retentionJob, {});
    await waitFor(
      async () =>
        (await h.db.query('SELECT 1 FROM notifications WHERE recipient = $1', [old.email])).length === 0,
      { message: 'old notifications purged' },
    );
    await waitFor(
      async () =>
        (await h.db.query('SELECT 1 FROM inbound_messages WHERE from_number = $1', [old.phone])).length === 0,
      { message: 'old inbound SMS purged' },
    );
    // The opt-out stays (honoured as long as we may send); everything else of the person is gone.
    expect(await findStoredValues(h.base.database.url, [old.email, old.name, old.link])).toEqual([]);
    expect(await findStoredValues(h.base.database.url, [old.phone])).toEqual(['suppressions: 1']);
    expect(await findStoredValues(h.base.database.url, [recent.email, recent.link])).toEqual([
      'notifications: 2',
    ]);
  });
});
