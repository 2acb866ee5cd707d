import { randomUUID } from 'node:crypto';
import { ApplicantErased, ApplicantErasureRequested, InviteSent } from '@autoverify/contracts';
import { buildEvent } from '@autoverify/messaging';
import { describe, expect, it } from 'vitest';
import { e2e, eventually, invitesWhen, submit } from '../src/harness.ts';
import { expectedInvites } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { PROPERTIES } from '../src/tenants.ts';

describe('a data-subject erasure request', () => {
  it('is carried out by every service holding the applicant, each confirming with ApplicantErased', async () => {
    const t = e2e();
    const rosa = person({ role: 'Primary', firstName: 'Rosa' });
    const app = await submit(t, PROPERTIES.identity, [rosa]);
    await invitesWhen(t, rosa, expectedInvites(rosa, ['income', 'identity']));
    const [invite] = await t.events.of(InviteSent, app.applicationId);
    const applicantId = invite?.payload.applicantId as string;

    const requestId = randomUUID();
    await t.events.publish(
      buildEvent(
        ApplicantErasureRequested,
        {
          requestId,
          applicationId: app.applicationId,
          applicantId,
          requestedBy: 'support:e2e',
          reason: 'DSR-e2e',
        },
        { tenantId: t.tenantId, correlationId: app.applicationId },
      ),
    );
    // ingest answers once it implements its part (docs/security.md "Still to do").
    const services = ['invite', 'notify', 'reminder', 'report-sync'];
    const answers = await eventually(async () => {
      const all = (await t.events.of(ApplicantErased, app.applicationId)).filter(
        (e) => e.payload.requestId === requestId && services.includes(e.payload.service),
      );
      return all.length >= services.length ? all : undefined;
    });
    const by = (service: string) => answers.find((e) => e.payload.service === service)?.payload.erased;
    expect(answers.map((e) => e.payload.service).sort()).toEqual(services);
    expect(by('invite')).toMatchObject({ applicants: 1, invites: 2 });
    expect(by('reminder')).toMatchObject({ invites: 2 });
    expect(by('notify')?.notifications).toBeGreaterThan(0);
    expect(answers.every((e) => e.payload.applicantId === applicantId)).toBe(true);
  });
});
