/**
 * The web console driven in headless Chromium against support running for real (Kafka, PostgreSQL), with the
 * events of an application's journey published as the services publish them (../support-under-test.ts).
 * What the end-to-end test (e2e/test/support-console.e2e.test.ts) covers against the whole stack (finding,
 * the timeline of delivered invites, replay, a redrive, a refused action) is not repeated here; this covers
 * what that stack does not easily produce: failures explained in plain words (and counted on the tenant's
 * page), unmasking, re-sending an invite, a redrive that succeeds (once), the audit filters.
 * Needs /usr/bin/chromium: see ./README.md.
 */
import { join } from 'node:path';
import {
  ApplicationSubmitted,
  applicationIdFor,
  InviteBlocked,
  InviteSent,
  NotificationFailed,
  ReportCompleted,
  ReportSyncFailed,
} from '@autoverify/contracts';
import { buildEvent } from '@autoverify/messaging';
import { waitFor } from '@autoverify/testing';
import {
  chromiumAvailable,
  findApplication,
  findByContact,
  launchChromium,
  mainText,
  openDeadLetter,
  redriveDeadLetter,
  screenshots,
  signIn,
} from '@autoverify/testing/browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SupportUnderTest, startSupportUnderTest, TENANT, tokens } from '../support-under-test.ts';

const haveBrowser = chromiumAvailable('web console browser tests');
const shot = screenshots(join(import.meta.dirname, '..', '..', 'test-results', 'web'));
const ADA = '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01';
const BOB = '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a02';

describe.skipIf(!haveBrowser)('web console in a browser (real Kafka + PostgreSQL)', () => {
  let s: SupportUnderTest;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    s = await startSupportUnderTest({ env: { GRAFANA_URL: 'https://grafana.example.com' } });
    browser = await launchChromium();
    page = await browser.newPage({ baseURL: s.h.service.url as string });
    await signIn(page, tokens.admin);
  });

  afterAll(async () => {
    await browser?.close();
    await s?.h.stop();
  });

  /** An application's journey: Ada invited (her SMS opted out), Bob blocked, the income report failed to upload. */
  async function journey(entrataApplicationId: string, { invited = true } = {}) {
    const { h } = s;
    const applicationId = applicationIdFor(TENANT, entrataApplicationId);
    const meta = { tenantId: TENANT, correlationId: applicationId };
    const submitted = {
      ...buildEvent(
        ApplicationSubmitted,
        {
          ...ApplicationSubmitted.example,
          applicationId,
          entrataApplicationId,
          applicants: [
            { ...ApplicationSubmitted.example.applicants[0], applicantId: ADA } as never,
            {
              applicantId: BOB,
              entrataCustomerId: '502',
              role: 'co-applicant',
              firstName: 'Bob',
              lastName: 'Babbage',
              contactIssues: [],
            },
          ],
        },
        meta,
      ),
      traceparent: `00-${'ab'.repeat(16)}-00f067aa0ba902b7-01`,
    };
    await h.publishEnvelope(submitted);
    await h.publish(InviteSent, { ...InviteSent.example, applicationId, applicantId: ADA }, meta);
    await h.publish(
      NotificationFailed,
      { ...NotificationFailed.example, applicationId, applicantId: ADA },
      meta,
    );
    await h.publish(InviteBlocked, { ...InviteBlocked.example, applicationId, applicantId: BOB }, meta);
    await h.publish(
      ReportCompleted,
      {
        ...ReportCompleted.example,
        applicationId,
        entrataApplicationId,
        applicantIds: [ADA, BOB],
        scope: 'household',
        reportType: 'income',
      },
      meta,
    );
    await h.publish(
      ReportSyncFailed,
      { ...ReportSyncFailed.example, applicationId, reportType: 'income' },
      meta,
    );
    await waitFor(
      async () =>
        (await h.service.db.client.timelineEvent.count({ where: { correlationId: applicationId } })) === 6,
      { message: 'the journey in the timeline' },
    );
    if (invited)
      await waitFor(async () => (await s.effects(submitted.id)) === 1, { message: 'the first invite' });
    return { applicationId, entrataApplicationId, submitted };
  }

  let j: Awaited<ReturnType<typeof journey>>;

  it('explains the problems in plain words, masks personal data and links the trace to Grafana', async () => {
    j = await journey(String(Math.floor(Math.random() * 1e9)));
    await findApplication(page, j.entrataApplicationId, j.applicationId);
    const text = await mainText(page);
    expect(text).toContain(`Application ${j.entrataApplicationId}`);
    expect(text).toContain('The applicant opted out of this channel');
    expect(text).toContain('no email address and no mobile phone number');
    expect(text).toContain('upload failed');
    expect(text).toContain('Where it stands: income invite sent on email, sms; sms invite opted out');
    expect(text).toContain('a***@e***.com');
    expect(text).not.toContain('ada@example.com');
    expect(await page.locator(`a[href^="https://grafana.example.com/explore"]`).count()).toBeGreaterThan(0);
    await shot(page, 'application-problems');
  });

  it('unmasks with a reason (nothing personal in the URL), audited', async () => {
    await findByContact(page, 'ADA@example.com', j.applicationId);
    await page.locator('#unmask-reason').fill('TICKET-1 applicant asks about the invite');
    await page.getByRole('button', { name: 'Show personal data' }).click();
    expect(await mainText(page)).toContain('ada@example.com');
    expect(decodeURIComponent(page.url()).toLowerCase()).not.toContain('ada@example.com');
    const audit = await s.h.service.db.client.auditEntry.findFirst({
      where: { action: 'timeline.unmask', target: `application:${j.applicationId}` },
    });
    expect(audit).toMatchObject({ actor: 'alice', reason: 'TICKET-1 applicant asks about the invite' });
  });

  it('re-sends an invite after a preview, through invite’s admin API', async () => {
    await page.goto(`/applications/${j.applicationId}/resend?applicantId=${ADA}&kind=income`);
    expect(await mainText(page)).toContain('1 invite(s) for this application so far');
    await page.getByLabel(/Reason/).fill('TICKET-3 applicant lost the email');
    await page.getByRole('button', { name: 'Send the invite' }).click();
    expect(await mainText(page)).toContain('Done (202)');
    expect(s.forwarded.map((f) => f.body)).toContainEqual(
      expect.objectContaining({
        applicationId: j.applicationId,
        applicantId: ADA,
        kind: 'income',
        requestedBy: 'alice',
      }),
    );
  });

  it('redrives a dead letter once the fix is deployed: processed once, a second redrive needs "again anyway"', async () => {
    // Its first invite never happens: the consumer dead-letters the application.
    const poison = await journey(`poison-${Math.floor(Math.random() * 1e9)}`, { invited: false });
    const poisonId = poison.submitted.id;
    await openDeadLetter(page, 'invite', poisonId);
    s.fixPoison();
    await redriveDeadLetter(page, 'TICKET-4 fix deployed');
    expect(await mainText(page)).toContain('Redrive #1');
    await waitFor(async () => (await s.effects(poisonId)) === 1, { message: 'the redriven event processed' });
    await page.goBack();
    await page.reload();
    expect(await mainText(page)).toContain('Already redriven 1 time(s)');
    expect(await page.getByLabel('Redrive again anyway').count()).toBe(1);
  });

  it('shows the tenant’s failures by reason, and filters the audit log by who and action', async () => {
    await page.goto(`/tenants/${TENANT}`);
    const health = await mainText(page);
    expect(health).toContain('What this page cannot know');
    expect(health).toContain('opted_out');
    await shot(page, 'tenant-health-failures');
    await page.goto('/audit');
    await page.getByLabel('Who (token name)').fill('alice');
    await page.getByLabel('Action starts with').fill('rerun');
    await page.getByRole('button', { name: 'Filter' }).click();
    const audit = await page.locator('main table').textContent();
    expect(audit).toContain('TICKET-3');
    expect(audit).not.toContain('dead-letter.redrive');
    expect(audit).not.toContain('timeline.unmask');
  });
});
