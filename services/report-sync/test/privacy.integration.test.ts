import { randomBytes, randomUUID } from 'node:crypto';
import { ApplicantErasureRequested, topics } from '@autoverify/contracts';
import { retentionJob } from '@autoverify/service-kit';
import { findStoredValues, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TENANT } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** An application whose two reports are in Entrata; the identity report's file name carries the last name. */
async function syncedApplication() {
  // Letters only: file names keep letters of a name.
  const lastName = `Hopper${[...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
  const app = await h.newApplication(lastName);
  await h.publishReport(app, 'identity');
  await h.publishReport(app, 'income');
  await h.waitForOutcome(app.reports.identity, 'ReportSynced');
  await h.waitForOutcome(app.reports.income, 'ReportSynced');
  return { app, lastName };
}

describe('report-sync: erasure of one applicant and retention', () => {
  it("erases the applicant's reports (file names carry their name) and confirms it", async () => {
    const { app, lastName } = await syncedApplication();
    const other = await syncedApplication();
    expect(await findStoredValues(h.base.database.url, [lastName])).toContain('reports: 1');
    const applicantId = app.applicantIds[0] as string;
    const requestId = randomUUID();
    await h.base.publish(
      ApplicantErasureRequested,
      {
        requestId,
        applicationId: app.applicationId,
        applicantId,
        requestedBy: 'support:test',
        reason: 'DSR-test',
      },
      { tenantId: TENANT, correlationId: app.applicationId },
    );
    const confirmed = await waitFor(
      async () =>
        (await h.base.events(topics.erasures, 'ApplicantErased')).find(
          (e) => e.payload.requestId === requestId,
        ),
      { message: 'ApplicantErased' },
    );
    expect(confirmed.payload).toMatchObject({ service: 'report-sync', applicantId, erased: { reports: 2 } });
    expect(await findStoredValues(h.base.database.url, [lastName, applicantId])).toEqual(['outbox: 1']);
    // ...the one row left being the ApplicantErased confirmation itself (ids only, for the audit).
    const [left] = await h.db.query<{ type: string }>(
      "SELECT event_type AS type FROM outbox WHERE envelope::text LIKE '%' || $1 || '%'",
      [applicantId],
    );
    expect(left?.type).toBe('ApplicantErased');
    expect(await findStoredValues(h.base.database.url, [other.lastName])).not.toEqual([]);
  });

  it('the retention job deletes reports in a final state for RETENTION_DAYS, not newer ones', async () => {
    const old = await syncedApplication();
    const recent = await syncedApplication();
    await h.db.query(
      "UPDATE reports SET updated_at = now() - interval '91 days' WHERE application_id = $1::uuid",
      [old.app.applicationId],
    );
    await h.service.jobs.send(retentionJob, {});
    await waitFor(
      async () =>
        (await h.db.query('SELECT 1 FROM reports WHERE application_id = $1::uuid', [old.app.applicationId]))
          .length === 0,
      { message: 'old reports purged' },
    );
    expect(
      await h.db.query('SELECT 1 FROM reports WHERE application_id = $1::uuid', [recent.app.applicationId]),
    ).toHaveLength(2);
  });
});
