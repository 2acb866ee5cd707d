/**
 * The web console driven in headless Chromium against support running for real (Kafka, PostgreSQL), with the
 * events of an application's journey published as the services publish them, and a stand-in "invite"
 * consumer with an inbox (as every service has) so replays and redrives can be seen to do, or not do, work.
 * Needs /usr/bin/chromium (Debian's chromium package): see ./README.md. Screenshots go to test-results/web.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  ApplicationSubmitted,
  applicationIdFor,
  InviteBlocked,
  InviteSent,
  NotificationFailed,
  ReportCompleted,
  ReportSyncFailed,
} from '@autoverify/contracts';
import {
  buildEvent,
  handle,
  messagingTablesSql,
  PermanentError,
  pgTransactions,
  startConsumer,
} from '@autoverify/messaging';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest } from '@autoverify/service-testing';
import { createTestDatabase, dropWhenIdle, waitFor } from '@autoverify/testing';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db.ts';
import { sha256Hex } from '../../src/domain/tokens.ts';
import { supportService } from '../../src/service.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser)
  console.warn(`web console browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const TENANT = 'acme-homes';
const tokens = { admin: 'web-admin-token-0123456789', reader: 'web-reader-token-0123456789' };
const SUPPORT_TOKENS = JSON.stringify([
  {
    name: 'alice',
    sha256: sha256Hex(tokens.admin),
    scopes: ['timeline:read', 'pii:read', 'replay', 'dlq', 'rerun', 'audit:read'],
  },
  { name: 'bob', sha256: sha256Hex(tokens.reader), scopes: ['timeline:read'] },
]);
const screenshots = fileURLToPath(new URL('../../test-results/web/', import.meta.url));
const ADA = '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01';
const BOB = '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a02';

describe.skipIf(!haveBrowser)('web console in a browser (real Kafka + PostgreSQL)', () => {
  let h: ServiceUnderTest<RunningService<Tx>>;
  let pool: pg.Pool;
  let browser: Browser;
  let page: Page;
  let poisonFixed = false;
  const resends: unknown[] = [];

  const effects = async (eventId: string) =>
    Number((await pool.query('SELECT count(*) AS n FROM effects WHERE event_id = $1', [eventId])).rows[0].n);
  const shot = (name: string) => page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    // invite's admin API, answering a re-send as invite does.
    const inviteAdmin = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        resends.push(JSON.parse(body));
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'queued' }));
      });
    });
    await new Promise<void>((resolve) => inviteAdmin.listen(0, '127.0.0.1', resolve));
    const adminUrl = `http://127.0.0.1:${(inviteAdmin.address() as { port: number }).port}`;
    h = await startServiceUnderTest(supportService, {
      serviceDir: fileURLToPath(new URL('../..', import.meta.url)),
      logLevel: 'warn',
      env: {
        SUPPORT_TOKENS,
        INVITE_URL: adminUrl,
        INVITE_ADMIN_TOKEN: 'invite-admin-token-0123456789',
        REPORT_SYNC_URL: adminUrl,
        REPORT_SYNC_ADMIN_TOKEN: 'report-sync-admin-token-0123',
        GRAFANA_URL: 'https://grafana.example.com',
      },
    });
    h.onStop('invite stand-in', () => {
      inviteAdmin.close();
    });
    // A stand-in "invite" consumer with an inbox: each effect is an invite sent; poison dead-letters.
    const downstreamDb = await createTestDatabase('support_web_downstream');
    h.onStop('downstream database', () => dropWhenIdle(downstreamDb));
    pool = new pg.Pool({ connectionString: downstreamDb.url, max: 4 });
    h.onStop('downstream pool', () => pool.end());
    await pool.query(`${messagingTablesSql} CREATE TABLE effects (event_id uuid NOT NULL);`);
    const downstream = await startConsumer<pg.PoolClient>({
      kafka: h.kafka,
      service: 'invite',
      topics: ['applications'],
      transactions: pgTransactions(pool),
      logger: h.logger,
      retry: { attempts: 1, initialMs: 10, maxMs: 10 },
      handlers: [
        handle(ApplicationSubmitted, async (e, tx: pg.PoolClient) => {
          if (e.payload.entrataApplicationId.startsWith('poison') && !poisonFixed)
            throw new PermanentError('applicant data cannot be processed');
          await tx.query('INSERT INTO effects (event_id) VALUES ($1)', [e.id]);
        }),
      ],
    });
    h.onStop('downstream consumer', () => downstream.stop());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // launch() gives every run a fresh temporary user-data-dir of its own.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ baseURL: h.service.url as string });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  async function signIn(p: Page, token: string) {
    await p.goto('/');
    await p.getByLabel('Support token').fill(token);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((url) => url.pathname === '/');
  }

  /** An application's journey: Ada invited (her SMS opted out), Bob blocked, the income report failed to upload. */
  async function journey(entrataApplicationId: string, { invited = true } = {}) {
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
      {
        message: 'the journey in the timeline',
      },
    );
    if (invited)
      await waitFor(async () => (await effects(submitted.id)) === 1, { message: 'the first invite' });
    return { applicationId, entrataApplicationId, submitted };
  }

  let j: Awaited<ReturnType<typeof journey>>;

  it('finds an application by its Entrata id and shows its timeline, problems explained, personal data masked', async () => {
    j = await journey(String(Math.floor(Math.random() * 1e9)));
    await signIn(page, tokens.admin);
    await shot('search');
    await page.getByLabel(/Our application id, Entrata application id/).fill(j.entrataApplicationId);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.waitForURL(`**/applications/${j.applicationId}`);
    const text = await page.locator('main').textContent();
    expect(text).toContain(`Application ${j.entrataApplicationId}`);
    expect(text).toContain('The applicant opted out of this channel');
    expect(text).toContain('no email address and no mobile phone number');
    expect(text).toContain('upload failed');
    expect(text).toContain('Where it stands: income invite sent on email, sms; sms invite opted out');
    expect(text).toContain('a***@e***.com');
    expect(text).not.toContain('ada@example.com');
    expect(await page.locator(`a[href^="https://grafana.example.com/explore"]`).count()).toBeGreaterThan(0);
    await shot('application');
  });

  it('finds it by an applicant’s email (posted, not in the URL) and unmasks with a reason, audited', async () => {
    await page.goto('/');
    await page.getByLabel(/email address or mobile phone/).fill('ADA@example.com');
    await page.getByRole('button', { name: 'Find by contact' }).click();
    expect(decodeURIComponent(page.url()).toLowerCase()).not.toContain('ada@example.com');
    await page.getByRole('link', { name: j.applicationId }).click();
    await page.locator('#unmask-reason').fill('TICKET-1 applicant asks about the invite');
    await page.getByRole('button', { name: 'Show personal data' }).click();
    expect(await page.locator('main').textContent()).toContain('ada@example.com');
    expect(decodeURIComponent(page.url()).toLowerCase()).not.toContain('ada@example.com');
    const audit = await h.service.db.client.auditEntry.findFirst({
      where: { action: 'timeline.unmask', target: `application:${j.applicationId}` },
    });
    expect(audit).toMatchObject({ actor: 'alice', reason: 'TICKET-1 applicant asks about the invite' });
  });

  it('dry-runs a replay, then runs it: consumers skip what they did, so no second invite', async () => {
    await page.goto(`/applications/${j.applicationId}`);
    await page.getByLabel('To which consumer').selectOption('invite');
    await page.locator('#replay-reason').fill('TICKET-2 check the invite flow');
    await page.getByRole('button', { name: 'Dry run…' }).click();
    const preview = await page.locator('main').textContent();
    expect(preview).toContain('nothing was sent');
    expect(preview).toContain(j.submitted.id);
    await shot('replay-dry-run');
    await page.getByRole('button', { name: /Replay 6 event\(s\) now/ }).click();
    expect(await page.locator('main').textContent()).toMatch(/6 event\(s\) sent to invite/);
    // A later event with the same key is processed after the replayed ones: then the count is final.
    const marker = buildEvent(
      ApplicationSubmitted,
      { ...ApplicationSubmitted.example, applicationId: j.applicationId, entrataApplicationId: 'marker' },
      { tenantId: TENANT, correlationId: j.applicationId },
    );
    await h.publishEnvelope(marker);
    await waitFor(async () => (await effects(marker.id)) === 1, { message: 'the marker after the replay' });
    expect(await effects(j.submitted.id)).toBe(1);
    const replays = await h.service.db.client.replay.findMany({ where: { requestedBy: 'alice' } });
    expect(replays.map((r) => r.dryRun).sort()).toEqual([false, true]);
  });

  it('re-sends an invite after a preview, through invite’s admin API', async () => {
    await page.goto(`/applications/${j.applicationId}/resend?applicantId=${ADA}&kind=income`);
    expect(await page.locator('main').textContent()).toContain('1 invite(s) for this application so far');
    await page.getByLabel(/Reason/).fill('TICKET-3 applicant lost the email');
    await page.getByRole('button', { name: 'Send the invite' }).click();
    expect(await page.locator('main').textContent()).toContain('Done (202)');
    expect(resends).toContainEqual(
      expect.objectContaining({
        applicationId: j.applicationId,
        applicantId: ADA,
        kind: 'income',
        requestedBy: 'alice',
      }),
    );
  });

  it('redrives a dead letter from the dead-letter page, once', async () => {
    // Its first invite never happens: the consumer dead-letters the application.
    const poison = await journey(`poison-${Math.floor(Math.random() * 1e9)}`, { invited: false });
    const poisonId = poison.submitted.id;
    await page.goto('/dead-letters');
    await page.getByLabel('Consumer').selectOption('invite');
    await page.getByRole('button', { name: 'Show' }).click();
    const row = page.locator('tr', { hasText: poisonId });
    await waitFor(
      async () => {
        if ((await row.count()) > 0) return true;
        await page.reload();
        return false;
      },
      { message: 'the dead letter listed' },
    );
    await shot('dead-letters');
    await row.getByRole('link').click();
    poisonFixed = true; // "the fix is deployed"
    await page.getByLabel(/Reason/).fill('TICKET-4 fix deployed');
    await page.getByRole('button', { name: 'Redrive this dead letter' }).click();
    expect(await page.locator('main').textContent()).toContain('Redrive #1');
    await waitFor(async () => (await effects(poisonId)) === 1, { message: 'the redriven event processed' });
    // Back on its page: the second redrive needs an explicit "again anyway".
    await page.goBack();
    await page.reload();
    expect(await page.locator('main').textContent()).toContain('Already redriven 1 time(s)');
  });

  it('shows the tenant health and the audit log, filtered', async () => {
    await page.goto(`/tenants/${TENANT}`);
    const health = await page.locator('main').textContent();
    expect(health).toContain('What this page cannot know');
    expect(health).toMatch(/Webhooks received, last 24 hours\s*\d+/);
    expect(health).toContain('opted_out');
    await shot('tenant-health');
    await page.goto('/audit');
    await page.getByLabel('Who (token name)').fill('alice');
    await page.getByLabel('Action starts with').fill('replay');
    await page.getByRole('button', { name: 'Filter' }).click();
    const audit = await page.locator('main table').textContent();
    expect(audit).toContain('replay.dry-run');
    expect(audit).toContain('TICKET-2');
    expect(audit).not.toContain('dead-letter.redrive');
    await shot('audit');
  });

  it('refuses actions without the scope', async () => {
    const context = await browser.newContext({ baseURL: h.service.url as string });
    const bob = await context.newPage();
    await signIn(bob, tokens.reader);
    await bob.goto(`/applications/${j.applicationId}`);
    expect(await bob.getByRole('button', { name: 'Dry run…' }).count()).toBe(0);
    expect(await bob.getByRole('button', { name: 'Show personal data' }).count()).toBe(0);
    const csrf = await bob.locator('input[name=_csrf]').first().inputValue();
    const replay = await bob.request.post(`/applications/${j.applicationId}/replay`, {
      form: { _csrf: csrf, target: 'invite', reason: 'not allowed' },
    });
    expect(replay.status()).toBe(403);
    expect(await replay.text()).toContain('needs the scope &quot;replay&quot;');
    const dlq = await bob.goto('/dead-letters');
    expect(dlq?.status()).toBe(403);
    await bob.screenshot({ path: `${screenshots}refused.png`, fullPage: true });
    await context.close();
  });
});
