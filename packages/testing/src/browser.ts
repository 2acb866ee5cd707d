/**
 * Driving the support console (tools/support, its web front at /) in headless Chromium, for its browser
 * integration tests and for the end-to-end test against the running stack. Debian's Chromium through
 * playwright-core: no browser is ever downloaded (scripts/ensure-chromium.sh installs it).
 *
 * The page steps below follow the console's labels and buttons (tools/support/src/web): when a label changes
 * there, it changes here, once for both suites.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type WaitForOptions, waitFor } from './kafka.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** True when the browser is there; else says once, clearly, that the caller's browser tests are skipped. */
export function chromiumAvailable(tests: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  console.warn(
    `${tests} SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium, or bash scripts/ensure-chromium.sh)`,
  );
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** Full-page screenshots into `dir` (created): `shot(page, 'search')` writes search.png. */
export function screenshots(dir: string): (page: Page, name: string) => Promise<void> {
  mkdirSync(dir, { recursive: true });
  return async (page, name) => {
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  };
}

/** The text of the page's main element (what a person reads, without the navigation). */
export async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').textContent()) ?? '';
}

/** Signs in on the console's sign-in form with a personal token; lands on the search page. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Support token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Finds an application by our id, Entrata's id or a property id; opens it when it is the only hit. */
export async function findApplication(page: Page, query: string, applicationId: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel(/Our application id, Entrata application id/).fill(query);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.waitForURL(`**/applications/${applicationId}`);
}

/** Finds applications by an applicant's email or phone (posted, never in a URL) and opens the one named. */
export async function findByContact(page: Page, contact: string, applicationId: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel(/email address or mobile phone/).fill(contact);
  await page.getByRole('button', { name: 'Find by contact' }).click();
  await page.getByRole('link', { name: applicationId }).click();
  await page.waitForURL(`**/applications/${applicationId}`);
}

/** On an application's page: the dry run of a replay to one consumer. Leaves the preview open. */
export async function dryRunReplay(page: Page, consumer: string, reason: string): Promise<void> {
  await page.getByLabel('To which consumer').selectOption(consumer);
  await page.locator('#replay-reason').fill(reason);
  await page.getByRole('button', { name: 'Dry run…' }).click();
  await page.getByRole('button', { name: /Replay \d+ event\(s\) now/ }).waitFor();
}

/** On a replay's preview: runs it for real. */
export async function runReplay(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Replay \d+ event\(s\) now/ }).click();
  await page.waitForLoadState();
}

/**
 * The dead-letter page of a consumer, reloaded until a letter whose row contains `text` is listed (dead
 * letters arrive asynchronously); opens it.
 */
export async function openDeadLetter(
  page: Page,
  consumer: string,
  text: string,
  options: WaitForOptions = {},
): Promise<void> {
  await page.goto('/dead-letters');
  await page.getByLabel('Consumer').selectOption(consumer);
  await page.getByRole('button', { name: 'Show' }).click();
  const row = page.locator('tr', { hasText: text });
  await waitFor(
    async () => {
      if ((await row.count()) > 0) return true;
      await page.reload();
      return false;
    },
    { intervalMs: 500, message: `a dead letter of ${consumer} listed with "${text}"`, ...options },
  );
  await row.first().getByRole('link').first().click();
  await page.getByRole('button', { name: 'Redrive this dead letter' }).waitFor();
}

/** On a dead letter's page: redrives it with a reason. */
export async function redriveDeadLetter(page: Page, reason: string): Promise<void> {
  await page.getByLabel(/Reason/).fill(reason);
  await page.getByRole('button', { name: 'Redrive this dead letter' }).click();
  await page.waitForLoadState();
}
