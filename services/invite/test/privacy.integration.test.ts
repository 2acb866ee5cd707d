import { randomBytes, randomUUID } from 'node:crypto';
import { ApplicantErasureRequested, topics } from '@autoverify/contracts';
import { retentionJob } from '@autoverify/service-kit';
import { findStoredValues, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicant, type InviteTest, ofType, startInviteTest, submission, TENANT } from './harness.ts';

let h: InviteTest;

beforeAll(async () => {
  h = await startInviteTest({ properties: { '1': { name: 'Aspen Ridge' } } });
});

afterAll(async () => {
  await h?.stop();
});

const letters = () => [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

/** A submitted application with two invited applicants; returns each one's id and personal values. */
async function invitedApplication() {
  const entrataId = String(100_000 + Math.floor(Math.random() * 800_000));
  const person = (customerId: string) => ({
    email: `${letters()}@example.com`,
    mobilePhone: `+1303557${String(1000 + Math.floor(Math.random() * 8999))}`,
    firstName: `Ada${letters()}`,
    lastName: `Lovelace${letters()}`,
    customerId,
  });
  const people = [person('1'), person('2')];
  const applicants = people.map(({ customerId, ...contact }) => applicant(entrataId, customerId, contact));
  const event = submission(entrataId, '1', applicants);
  await h.publishEnvelope(event);
  const { applicationId } = event.payload;
  const invites = await waitFor(
    async () => {
      const sent = ofType(await h.invitesOf(applicationId), 'InviteSent');
      return sent.length === 4 ? sent : undefined;
    },
    { message: 'four InviteSent' },
  );
  await h.settled(event);
  return {
    applicationId,
    applicants: applicants.map((a, i) => {
      const p = people[i] as (typeof people)[number];
      const links = invites
        .filter((e) => (e.payload as { applicantId?: string }).applicantId === a.applicantId)
        .map((e) => (e.payload as unknown as { link: string }).link);
      return { id: a.applicantId, values: [p.email, p.mobilePhone, p.firstName, p.lastName, ...links] };
    }),
  };
}

describe('invite: erasure of one applicant and retention', () => {
  it("erases the applicant's names, contacts and links everywhere in invite, keeps the co-applicant's", async () => {
    const { applicationId, applicants } = await invitedApplication();
    const [erased, kept] = applicants as [(typeof applicants)[number], (typeof applicants)[number]];
    expect(await findStoredValues(h.database.url, erased.values)).toContain('applicants: 1');
    const requestId = randomUUID();
    await h.publish(
      ApplicantErasureRequested,
      { requestId, applicationId, applicantId: erased.id, requestedBy: 'support:test', reason: 'DSR-test' },
      { tenantId: TENANT, correlationId: applicationId },
    );
    const confirmed = await waitFor(
      async () =>
        (await h.events(topics.erasures, 'ApplicantErased')).find((e) => e.payload.requestId === requestId),
      { message: 'ApplicantErased' },
    );
    expect(confirmed.payload).toMatchObject({
      service: 'invite',
      applicantId: erased.id,
      erased: { applicants: 1, invites: 2 },
    });
    expect(await findStoredValues(h.database.url, erased.values)).toEqual([]);
    expect(await findStoredValues(h.database.url, kept.values)).toContain('applicants: 1');
  });

  it('the retention job deletes an application whose invites expired RETENTION_DAYS ago, not a recent one', async () => {
    const old = await invitedApplication();
    const recent = await invitedApplication();
    const db = h.service.db.client;
    const longAgo = new Date(Date.now() - 91 * 24 * 3_600_000);
    // SQL in the test: @updatedAt would otherwise stamp the rows with now.
    await db.$executeRaw`UPDATE applications SET updated_at = ${longAgo} WHERE id = ${old.applicationId}::uuid`;
    await db.$executeRaw`UPDATE applicants SET updated_at = ${longAgo} WHERE application_id = ${old.applicationId}::uuid`;
    await db.$executeRaw`UPDATE invites SET updated_at = ${longAgo}, expires_at = ${longAgo} WHERE application_id = ${old.applicationId}::uuid`;
    await h.service.jobs.send(retentionJob, {});
    await waitFor(async () => (await db.application.count({ where: { id: old.applicationId } })) === 0, {
      message: 'old application purged',
    });
    // Published events' copies in the outbox are the relay's: it deletes them 7 days after publishing.
    const left = await findStoredValues(
      h.database.url,
      old.applicants.flatMap((a) => a.values),
    );
    expect(left.filter((table) => !table.startsWith('outbox:'))).toEqual([]);
    expect(await db.application.count({ where: { id: recent.applicationId } })).toBe(1);
  });
});
