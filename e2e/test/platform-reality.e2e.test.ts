import { randomUUID } from 'node:crypto';
import { ApplicationSubmittedV3, InviteBlockedV2 } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { e2e, eventually, inbox, invitesWhen, sleep, submit, supportTimeline } from '../src/harness.ts';
import { expectedInvites, inviteTally } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { PROPERTIES } from '../src/tenants.ts';

// What the real counterparts may not give us - a monthly rent, the undocumented applicant ids - ends in an
// outcome support sees in the application's timeline, never in silence, a made-up value or a second group.

describe('an application without a known monthly rent', () => {
  it('requests nothing and shows rent_unknown to support; once a re-read carries the rent, each invitation goes out once', async () => {
    const t = e2e();
    const people = [
      person({ role: 'Primary', firstName: 'Rhea' }),
      person({ role: 'Co-Applicant', firstName: 'Remy', phone: false }),
    ];
    const app = await submit(t, PROPERTIES.noRent, people);
    const submitted = await eventually(
      async () => (await t.events.of(ApplicationSubmittedV3, app.applicationId))[0],
    );
    expect(submitted.payload.monthlyRentCents).toBeUndefined();

    const blocked = await eventually(async () => {
      const events = await t.events.of(InviteBlockedV2, app.applicationId);
      return events.length === 2 ? events : undefined;
    });
    expect(blocked.map((e) => e.payload.reason)).toEqual(['rent_unknown', 'rent_unknown']);
    expect(blocked[0]?.payload.detail).toMatch(/monthly rent.*Set the rent in Entrata/s);

    // Support sees why in the application's timeline, with what to do.
    const rows = await eventually(async () => {
      const timeline = await supportTimeline(t, app.applicationId);
      const found = timeline.filter((r) => r.type === 'InviteBlocked');
      return found.length === 2 ? found : undefined;
    });
    for (const row of rows) {
      expect(row.outcome).toBe('failed');
      expect(row.summary).toMatch(/^reason=rent_unknown detail="No invitation was sent: .*monthly rent/);
    }
    expect(await t.sandbox.applicantGroups(people[0]?.email)).toEqual([]);
    for (const p of people) expect(await inbox(t, p)).toEqual([]);

    // The rent is set (in Entrata or as the property's setting) and the application is read again. The
    // re-read is stood in for by the event ingest publishes for it: the settings file is read at start-up.
    const withRent = {
      ...submitted,
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      payload: { ...submitted.payload, monthlyRentCents: 172_500, rentSource: 'property_setting' as const },
    };
    await t.events.publish(withRent);
    for (const p of people) await invitesWhen(t, p, expectedInvites(p, ['income']));

    // The same news again (a replay): nothing more.
    await t.events.publish({ ...withRent, id: randomUUID() });
    await sleep(4000);
    for (const p of people) expect(inviteTally(await inbox(t, p))).toEqual(expectedInvites(p, ['income']));
    const groups = await t.sandbox.applicantGroups(people[0]?.email);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.monthly_rent_cents).toBe(172_500);
    expect(await t.events.of(InviteBlockedV2, app.applicationId)).toHaveLength(2);
  });
});

describe('a verification platform that gives no applicant ids', () => {
  it('keeps its one group, reports platform_ids_unavailable, and puts the reports it cannot attribute in the timeline', async () => {
    const t = e2e();
    await t.sandbox.platformSettings({ applicantDetails: false });
    try {
      const ivo = person({ role: 'Primary', firstName: 'Ivo', phone: false });
      const app = await submit(t, PROPERTIES.identity, [ivo]);
      const [blocked] = await eventually(async () => {
        const events = await t.events.of(InviteBlockedV2, app.applicationId);
        return events.length > 0 ? events : undefined;
      });
      expect(blocked?.payload.reason).toBe('platform_ids_unavailable');
      const groups = await t.sandbox.applicantGroups(ivo.email);
      expect(groups).toHaveLength(1);
      expect(await inbox(t, ivo)).toEqual([]);

      // The applicant finishes at the platform anyway (the platform knows them; we could send no link). The
      // household income report maps to the application (group known) but to nobody in it, the identity
      // report names an applicant we never learnt: both end, after the mapping retries, in the timeline.
      const platformApplicant = groups[0]?.applicants[0];
      if (!platformApplicant) throw new Error('the sandbox group has no applicant');
      await t.sandbox.completeApplicant(platformApplicant.id);
      const unmapped = await eventually(
        async () => {
          const timeline = await supportTimeline(t, app.applicationId);
          const found = timeline.filter((r) => r.type === 'PlatformWebhookUnmapped');
          return found.length === 2 ? found : undefined;
        },
        // PLATFORM_MAPPING_RETRIES is 3 in the e2e stack: ~14 s of retries, plus job polling and consumers.
        { timeoutMs: 90_000, message: 'two PlatformWebhookUnmapped in the support timeline' },
      );
      expect(unmapped.every((r) => r.outcome === 'failed' && r.service === 'ingest')).toBe(true);
      expect(unmapped.map((r) => r.payload.reportType).sort()).toEqual(['identity', 'income']);
      expect(await t.sandbox.documents(app.entrata.applicationId)).toEqual([]);
      expect(await t.sandbox.applicantGroups(ivo.email)).toHaveLength(1);
    } finally {
      await t.sandbox.platformSettings({ applicantDetails: true });
    }
  });
});
