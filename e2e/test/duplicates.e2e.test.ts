import { ApplicationSubmittedV3, InviteSent, ReportSynced } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import {
  completeFromInbox,
  documentsWhen,
  e2e,
  eventually,
  inbox,
  invitesWhen,
  sleep,
  submit,
} from '../src/harness.ts';
import { expectedInvites, inviteTally } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { PROPERTIES } from '../src/tenants.ts';

describe('duplicate webhooks and replayed events', () => {
  it('send each invite once and upload each report once', async () => {
    const t = e2e();
    const people = [
      person({ role: 'Primary', firstName: 'Edsger' }),
      person({ role: 'Co-Applicant', firstName: 'Barbara', phone: false }),
    ];
    // Entrata delivers the webhook twice (same event id), then fires it again (a new event id).
    const app = await submit(t, PROPERTIES.identity, people, 'duplicate');
    expect(app.entrata.webhook.deliveries).toHaveLength(2);
    const expected = new Map(people.map((p) => [p, expectedInvites(p, ['income', 'identity'])]));
    for (const p of people) await invitesWhen(t, p, expected.get(p) ?? {});
    await t.sandbox.refireWebhook(app.entrata.applicationId);

    // The same ApplicationSubmitted envelope published again (a replay, or a redelivery by Kafka).
    const [submitted] = await eventually(() =>
      t.events.of(ApplicationSubmittedV3, app.applicationId).then((e) => (e.length ? e : undefined)),
    );
    await t.events.publish(submitted as NonNullable<typeof submitted>);
    await sleep(4000);
    for (const p of people) expect(inviteTally(await inbox(t, p))).toEqual(expected.get(p));

    // The platform's webhooks arrive twice each as the applicants complete.
    for (const p of people) await completeFromInbox(t, p, { duplicateWebhooks: true });
    await documentsWhen(t, app.entrata.applicationId, 3);
    await eventually(async () => (await t.events.of(ReportSynced, app.applicationId)).length >= 3, {
      message: 'ReportSynced x3',
    });

    // After completion: the webhook fires again and the submission is replayed once more.
    await t.sandbox.refireWebhook(app.entrata.applicationId, 'duplicate');
    await t.events.publish(submitted as NonNullable<typeof submitted>);
    await sleep(5000);

    const documents = await t.sandbox.documents(app.entrata.applicationId);
    expect(documents.filter((d) => d.fileTypeId === t.fileTypes.income)).toHaveLength(1);
    expect(documents.filter((d) => d.fileTypeId === t.fileTypes.identity)).toHaveLength(2);
    expect(await t.events.of(ReportSynced, app.applicationId)).toHaveLength(3);
    for (const p of people) expect(inviteTally(await inbox(t, p))).toEqual(expected.get(p));
    const invites = await t.events.of(InviteSent, app.applicationId);
    expect(invites.filter((e) => !e.payload.resend)).toHaveLength(4);
    const deliveries = (await t.sandbox.deliveries('entrata')).filter((d) =>
      d.body.includes(`"applicationId":"${app.entrata.applicationId}"`),
    );
    expect(deliveries.length).toBeGreaterThanOrEqual(5);
    expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
  });
});
