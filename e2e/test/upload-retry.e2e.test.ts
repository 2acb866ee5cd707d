import { ReportSynced } from '@autoverify/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  completeFromInbox,
  documentsWhen,
  e2e,
  eventually,
  invitesWhen,
  sleep,
  submit,
} from '../src/harness.ts';
import { expectedInvites } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { PROPERTIES } from '../src/tenants.ts';

describe('Entrata refusing uploads for a while', () => {
  afterEach(() => e2e().sandbox.clearFaults());

  it('ends with exactly one document once it accepts again', async () => {
    const t = e2e();
    const primary = person({ role: 'Primary', firstName: 'Radia' });
    const app = await submit(t, PROPERTIES.incomeOnly, [primary]);
    await invitesWhen(t, primary, expectedInvites(primary, ['income'], { sms: false }));

    // The next three uploads fail: twice HTTP 503, once Entrata's error envelope (HTTP 200, code 310).
    const faults = [
      await t.sandbox.addFault({
        target: 'entrata',
        kind: 'http_error',
        status: 503,
        match: 'leases/sendLeaseDocuments',
        count: 2,
      }),
      await t.sandbox.addFault({
        target: 'entrata',
        kind: 'entrata_error',
        match: 'leases/sendLeaseDocuments',
        count: 1,
      }),
    ];
    await completeFromInbox(t, primary);

    const documents = await documentsWhen(t, app.entrata.applicationId, 1, { timeoutMs: 90_000 });
    expect(documents.map((d) => d.fileTypeId)).toEqual([t.fileTypes.income]);
    const remaining = await t.sandbox.faults();
    for (const fault of faults) expect(remaining.find((f) => f.id === fault.id)).toBeUndefined();

    const [synced] = await eventually(async () => {
      const events = await t.events.of(ReportSynced, app.applicationId);
      return events.length > 0 ? events : undefined;
    });
    expect(synced?.payload.attempts).toBeGreaterThanOrEqual(2);
    await sleep(3000);
    expect(await t.sandbox.documents(app.entrata.applicationId)).toHaveLength(1);
  });
});
