/**
 * The support console's web front (tools/support, at / of the support service) in headless Debian Chromium,
 * against the running stack: the application comes in through the sandbox's Entrata webhook, the five
 * services invite its applicants, and what support does from the pages reaches the real consumers.
 * Needs /usr/bin/chromium (scripts/ensure-chromium.sh); skipped with a message without it.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  ApplicationSubmittedV3,
  applicationIdFor,
  InviteSent,
  NotificationSent,
} from '@autoverify/contracts';
import {
  chromiumAvailable,
  dryRunReplay,
  findApplication,
  findByContact,
  launchChromium,
  mainText,
  openDeadLetter,
  redriveDeadLetter,
  runReplay,
  screenshots,
  signIn,
} from '@autoverify/testing/browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type E2e,
  e2e,
  eventually,
  inbox,
  invitesWhen,
  type Submitted,
  sleep,
  submit,
} from '../src/harness.ts';
import { expectedInvites, inviteTally } from '../src/messages.ts';
import { household } from '../src/people.ts';
import type { ApplicantInput } from '../src/sandbox-client.ts';
import { PROPERTIES } from '../src/tenants.ts';

const haveBrowser = chromiumAvailable('support console e2e browser test');
// Read by `make test`'s summary only for *.json: the screenshots sit beside the reports.
const shot = screenshots(join(import.meta.dirname, '..', 'test-results', 'web'));

describe.skipIf(!haveBrowser)('the support console in a browser, against the running stack', () => {
  let t: E2e;
  let browser: Browser;
  let page: Page;
  let app: Submitted;
  let people: ApplicantInput[];
  let expected: Map<ApplicantInput, Record<string, number>>;

  beforeAll(async () => {
    t = e2e();
    browser = await launchChromium();
    page = await browser.newPage({ baseURL: t.support.url });
    people = household();
    app = await submit(t, PROPERTIES.identity, people);
    expected = new Map(people.map((p) => [p, expectedInvites(p, ['income', 'identity'])]));
    for (const p of people) await invitesWhen(t, p, expected.get(p) ?? {});
    // Support reads the same events as the services: wait until it has every invite's delivery.
    const invites = [...expected.values()].reduce((n, e) => n + Object.keys(e).length, 0);
    await eventually(
      async () =>
        (await t.events.of(NotificationSent, app.applicationId)).filter((e) => e.payload.purpose === 'invite')
          .length >= invites,
      { message: `${invites} invites delivered (NotificationSent)` },
    );
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs in, finds the application by its Entrata id and by an email, and shows each applicant’s delivered invites', async () => {
    await signIn(page, t.support.token);
    await shot(page, 'search');
    await findApplication(page, String(app.entrata.applicationId), app.applicationId);
    // The timeline is support's projection: it may trail the services by a moment.
    await eventually(
      async () => {
        await page.reload();
        const groups = page.locator('section.group');
        const texts = await groups.allTextContents();
        // One group per applicant (and one for the application itself), each with its invites delivered.
        return (
          texts.length === people.length + 1 &&
          texts.slice(0, people.length).every((g) => /email invite delivered to the provider/.test(g))
        );
      },
      { timeoutMs: 60_000, message: 'every applicant’s invites delivered, on the application page' },
    );
    const text = await mainText(page);
    expect(text).toContain(`Entrata application ${app.entrata.applicationId}`);
    for (const role of ['primary', 'co-applicant', 'guarantor']) expect(text.toLowerCase()).toContain(role);
    expect(text).toContain('income invite sent on email, sms');
    expect(text).toContain('sms invite delivered to the provider');
    // Personal data masked: no applicant's address on the page.
    for (const p of people) expect(text).not.toContain(p.email);
    await shot(page, 'application');

    const primary = people[0] as ApplicantInput;
    await findByContact(page, (primary.email as string).toUpperCase(), app.applicationId);
    expect(page.url()).not.toContain('applicants.example.com');
    expect(await mainText(page)).toContain(`Entrata application ${app.entrata.applicationId}`);

    await page.goto(`/tenants/${t.tenantId}`);
    // Not "webhooks received": with the e2e's 3 s reconciliation poll, the poll may read the application first.
    expect(await mainText(page)).toMatch(/Last successful Entrata read\s*\d{4}-\d\d-\d\d/);
    await shot(page, 'tenant-health');
  });

  it('dry-runs a replay to invite, then runs it: invite skips what it processed, no second invite', async () => {
    const [submitted] = await t.events.of(ApplicationSubmittedV3, app.applicationId);
    const inviteIds = async () =>
      new Set((await t.events.of(InviteSent, app.applicationId)).map((e) => e.id));
    const invitesBefore = await inviteIds();
    await page.goto(`/applications/${app.applicationId}`);
    await dryRunReplay(page, 'invite', 'E2E-1 applicant says no invite came');
    const preview = await mainText(page);
    expect(preview).toContain('nothing was sent');
    expect(preview).toContain('to invite only');
    expect(preview).toContain(submitted?.id);
    expect(preview).toContain('What consumers will skip');
    expect(preview).toContain('a consumer that already processed one has its id in its inbox and skips it');
    // invite's inbox, asked through its admin API: it processed the submission, so it will skip it.
    expect(preview).toMatch(/invite\s*1\s*nothing/);
    await shot(page, 'replay-dry-run');

    await runReplay(page);
    expect(await mainText(page)).toMatch(/\d+ event\(s\) sent to invite/);
    await shot(page, 'replay-done');
    // invite has read everything up to the end of its topics, the replay included...
    await eventually(() => t.events.caughtUp('invite'), { message: 'invite caught up after the replay' });
    // ...and had it queued anything, notify would have sent it within seconds: proving absence needs a wait.
    await sleep(5000);
    for (const p of people) expect(inviteTally(await inbox(t, p))).toEqual(expected.get(p));
    // The replay put copies of the InviteSent events (same ids) on the topic; invite made no new one.
    expect(await inviteIds()).toEqual(invitesBefore);
  });

  it('redrives a dead letter the stack produced, from the dead-letter page', async () => {
    // A submission for a customer invite has no settings for (not onboarded yet): invite dead-letters it.
    const [submitted] = await t.events.of(ApplicationSubmittedV3, app.applicationId);
    if (!submitted) throw new Error('no ApplicationSubmitted for the application');
    const tenantId = 'not-onboarded';
    const applicationId = applicationIdFor(tenantId, String(app.entrata.applicationId));
    const poison = {
      ...submitted,
      id: randomUUID(),
      tenantId,
      correlationId: applicationId,
      payload: { ...submitted.payload, applicationId },
    };
    await t.events.publish(poison);
    await openDeadLetter(page, 'invite', poison.id, { timeoutMs: 60_000 });
    expect(await mainText(page)).toContain(`no settings for tenant ${tenantId}`);
    await shot(page, 'dead-letter');

    await redriveDeadLetter(page, 'E2E-2 tenant settings deployed');
    expect(await mainText(page)).toContain('Redrive #1');
    // The tenant is still unknown in this stack, so invite fails it again: its new dead letter names the
    // one it was redriven from, which shows the redrive went through invite's consumer once more.
    await page.goto('/dead-letters?consumer=invite');
    const again = page
      .locator('tr', { hasText: poison.id })
      .filter({ hasText: 'failed again after a redrive of' });
    await eventually(
      async () => {
        await page.reload();
        return (await again.count()) === 1;
      },
      { timeoutMs: 60_000, message: 'the redriven letter dead-lettered again by invite' },
    );
    expect(await page.locator('tr', { hasText: poison.id }).filter({ hasText: '#1 by dev' }).count()).toBe(1);
    await shot(page, 'dead-letters');
    expect(await t.events.of(InviteSent, applicationId)).toEqual([]);
  });

  it('refuses an action to a token without its scope: the page says so and nothing happens', async () => {
    const context = await browser.newContext({ baseURL: t.support.url });
    const reader = await context.newPage();
    try {
      await signIn(reader, t.support.readerToken);
      await reader.goto(`/applications/${app.applicationId}`);
      expect(await reader.getByRole('button', { name: 'Dry run…' }).count()).toBe(0);
      // The form is not offered; a post made anyway (with a valid session and CSRF token) is refused.
      const csrf = await reader.locator('input[name=_csrf]').first().inputValue();
      const replay = await reader.request.post(`/applications/${app.applicationId}/replay`, {
        form: { _csrf: csrf, target: 'invite', reason: 'E2E-3 not allowed' },
      });
      expect(replay.status()).toBe(403);
      expect(await replay.text()).toContain('needs the scope &quot;replay&quot;');
      const letters = await reader.goto('/dead-letters');
      expect(letters?.status()).toBe(403);
      expect(await mainText(reader)).toContain('needs the scope "dlq"');
      await shot(reader, 'refused');
    } finally {
      await context.close();
    }
    // Nothing was done in the reader's name.
    await page.goto('/audit?actor=e2e-reader');
    expect(await page.locator('main table tbody tr').count()).toBe(0);
    await page.goto('/audit?actor=dev');
    const audit = await mainText(page);
    expect(audit).toContain('replay.dry-run');
    expect(audit).toContain('dead-letter.redrive');
    await shot(page, 'audit');
  });
});
