import { waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applicant, type InviteTest, ofType, startInviteTest, submission, submissionV1 } from './harness.ts';

// What the real platform and the real data may not give us: a rent, ids, links, a correlation-id lookup.
// Each ends in a recorded, support-visible InviteBlocked, never in a silent drop or a second group.

let h: InviteTest;

beforeAll(async () => {
  h = await startInviteTest({ properties: { '1': { name: 'Aspen Ridge', identityVerification: true } } });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  h.sandbox.state.platform.reset();
  h.sandbox.state.faults.clear();
});

const blocks = async (applicationId: string) => ofType(await h.invitesOf(applicationId), 'InviteBlocked');
const sentInvites = async (applicationId: string) => ofType(await h.invitesOf(applicationId), 'InviteSent');

describe('an application without a known rent', () => {
  it('creates no group and reports rent_unknown per applicant; once the rent arrives the invitations go out once', async () => {
    const ada = applicant('3001', '1', { email: 'ada@example.com', mobilePhone: '+13035550123' });
    const bob = applicant('3001', '2', { email: 'bob@example.com' });
    const noRent = submission('3001', '1', [ada, bob], { rentCents: null });
    const applicationId = noRent.payload.applicationId;
    await h.publishEnvelope(noRent);
    const blocked = await waitFor(
      async () => {
        const found = await blocks(applicationId);
        return found.length === 2 ? found : undefined;
      },
      { message: 'two InviteBlocked rent_unknown' },
    );
    expect(blocked.map((b) => b.version)).toEqual([2, 2]);
    expect(blocked.map((b) => b.payload.applicantId).sort()).toEqual(
      [ada.applicantId, bob.applicantId].sort(),
    );
    for (const b of blocked) {
      expect(b.payload.reason).toBe('rent_unknown');
      expect(b.payload.detail).toMatch(/monthly rent.*property 1.*Set the rent in Entrata/s);
    }
    await h.settled(noRent);
    expect(h.groupsFor(applicationId)).toEqual([]);
    expect(await h.service.db.client.application.findUnique({ where: { id: applicationId } })).toMatchObject({
      requestStatus: 'waiting_for_rent',
      monthlyRentCents: null,
    });

    // The same submission again, and an old v1 one: still no rent, nothing reported twice.
    const again = submission('3001', '1', [ada, bob], { rentCents: null });
    await h.publishEnvelope(again);
    const v1 = submissionV1('3001', '1', [ada, bob]);
    await h.publishEnvelope(v1);
    await h.settled(v1);
    expect(await blocks(applicationId)).toHaveLength(2);

    // A re-read finds the rent (Entrata or the property setting): the group is created with it, once.
    const withRent = submission('3001', '1', [ada, bob], { rentCents: 187_500 });
    await h.publishEnvelope(withRent);
    await waitFor(async () => (await sentInvites(applicationId)).length === 4, {
      message: 'four InviteSent after the rent arrived',
    });
    await h.publishEnvelope(submission('3001', '1', [ada, bob], { rentCents: 187_500 }));
    await h.publishEnvelope(submissionV1('3001', '1', [ada, bob]));
    const last = submission('3001', '1', [ada, bob], { rentCents: 187_500 });
    await h.publishEnvelope(last);
    await h.settled(last);
    const groups = h.groupsFor(applicationId);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.monthlyRentCents).toBe(187_500);
    expect(await sentInvites(applicationId)).toHaveLength(4);
    expect(await h.notificationsOf(applicationId)).toHaveLength(6);
    expect(await blocks(applicationId)).toHaveLength(2);
    expect(await h.service.db.client.application.findUnique({ where: { id: applicationId } })).toMatchObject({
      requestStatus: 'done',
      monthlyRentCents: 187_500,
      rentSource: 'property_setting',
    });
  });
});

describe('a platform that does not give the undocumented ids and links', () => {
  it('keeps the group (never a second create), maps it for household reports, reports platform_ids_unavailable, and reads it again on a replay', async () => {
    h.sandbox.state.platform.settings.applicantDetails = false;
    const cy = applicant('3002', '1', { email: 'cy@example.com' });
    const event = submission('3002', '1', [cy]);
    const applicationId = event.payload.applicationId;
    await h.publishEnvelope(event);
    const [blocked] = await waitFor(
      async () => {
        const found = await blocks(applicationId);
        return found.length > 0 ? found : undefined;
      },
      { message: 'InviteBlocked platform_ids_unavailable' },
    );
    expect(blocked?.payload).toMatchObject({
      applicantId: cy.applicantId,
      reason: 'platform_ids_unavailable',
    });
    expect(blocked?.payload.detail).toMatch(
      /created applicant group .* gave no applicant and verification ids/,
    );
    await h.settled(event);
    const [group] = h.groupsFor(applicationId);
    expect(h.groupsFor(applicationId)).toHaveLength(1);
    // The group id still maps REPORT_READY (household) to the application at ingest.
    const [requested] = ofType(await h.invitesOf(applicationId), 'VerificationRequested');
    expect(requested?.payload).toMatchObject({ applicantGroupId: group?.id, applicants: [] });
    expect(await h.notificationsOf(applicationId)).toEqual([]);
    expect(await h.service.db.client.applicant.findUnique({ where: { id: cy.applicantId } })).toMatchObject({
      status: 'ids_unavailable',
      platformGroupId: group?.id,
      waitingFor: 'platform_ids_unavailable',
    });

    // Replaying the submission reads the group again; still nothing: not reported twice, no new group.
    const replay = submission('3002', '1', [cy]);
    await h.publishEnvelope(replay);
    await h.settled(replay);
    expect(await blocks(applicationId)).toHaveLength(1);
    expect(h.groupsFor(applicationId)).toHaveLength(1);

    // Once the platform gives the ids, a replay invites (in the same group).
    h.sandbox.state.platform.settings.applicantDetails = true;
    await h.publishEnvelope(submission('3002', '1', [cy]));
    await waitFor(async () => (await sentInvites(applicationId)).length === 2, {
      message: 'InviteSent after the ids became available',
    });
    expect(h.groupsFor(applicationId)).toHaveLength(1);
    const requests = ofType(await h.invitesOf(applicationId), 'VerificationRequested');
    expect(requests.at(-1)?.payload.applicants).toEqual([
      expect.objectContaining({ applicantId: cy.applicantId }),
    ]);
  });

  it('sends nothing for a verification without an invitation link (one report per kind), but maps its id', async () => {
    h.sandbox.state.platform.settings.invitationLinks = false;
    const di = applicant('3003', '1', { email: 'di@example.com' });
    const event = submission('3003', '1', [di]);
    const applicationId = event.payload.applicationId;
    await h.publishEnvelope(event);
    await h.settled(event);
    const blocked = await blocks(applicationId);
    expect(blocked.map((b) => [b.payload.reason, b.payload.kind]).sort()).toEqual([
      ['platform_ids_unavailable', 'identity'],
      ['platform_ids_unavailable', 'income'],
    ]);
    expect(blocked[0]?.payload.detail).toMatch(/no invitation link/);
    const [requested] = ofType(await h.invitesOf(applicationId), 'VerificationRequested');
    const mapped = (
      requested?.payload.applicants as { verifications: { kind: string }[] }[] | undefined
    )?.[0];
    expect(mapped?.verifications.map((v) => v.kind).sort()).toEqual(['identity', 'income']);
    expect(await h.notificationsOf(applicationId)).toEqual([]);
  });

  it('never creates twice after an unanswered create when the correlation-id lookup is not offered', async () => {
    h.sandbox.state.platform.settings.correlationIdLookup = false;
    // Longer than the client's 2 s time-out: the group is created, but the answer never arrives.
    h.sandbox.state.faults.add({
      target: 'platform',
      kind: 'delay',
      delayMs: 4500,
      match: 'POST /api/v1/applicant_groups',
      count: 1,
    });
    const ed = applicant('3004', '1', { email: 'ed@example.com' });
    const event = submission('3004', '1', [ed]);
    const applicationId = event.payload.applicationId;
    await h.publishEnvelope(event);
    const [blocked] = await waitFor(
      async () => {
        const found = await blocks(applicationId);
        return found.length > 0 ? found : undefined;
      },
      // The job retries 30 s after the time-out (its retry delay): more than waitFor's default margin.
      { timeoutMs: 90_000, message: 'InviteBlocked after the unanswered create' },
    );
    expect(blocked?.payload).toMatchObject({ reason: 'platform_ids_unavailable' });
    expect(blocked?.payload.detail).toMatch(
      new RegExp(`correlation id ${applicationId}.*not created a second time`),
    );
    await h.settled(event);
    // The create the client gave up on did happen at the platform: exactly one group.
    await waitFor(() => h.groupsFor(applicationId).length === 1);
    // A replay looks again (the lookup is still not offered): no second group, not reported twice.
    const replay = submission('3004', '1', [ed]);
    await h.publishEnvelope(replay);
    await h.settled(replay);
    expect(h.groupsFor(applicationId)).toHaveLength(1);
    expect(await blocks(applicationId)).toHaveLength(1);
    expect(await h.notificationsOf(applicationId)).toEqual([]);
  });
});
