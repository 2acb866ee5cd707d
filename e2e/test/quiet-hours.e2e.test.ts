import { InviteSent, ReminderScheduled } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { e2e, eventually, inbox, invitesWhen, sleep, submit } from '../src/harness.ts';
import { expectedInvites, remindersIn } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { E2E_REMINDERS, PROPERTIES } from '../src/tenants.ts';

const HOUR_MS = 3_600_000;
const FEDERAL_WINDOW_START_HOUR = 8; // CO follows the federal rule: 08:00-21:00 local

/** The first local `hour`:00 at or after `instant` in a zone (fixed-offset zones: no DST to mind). */
function nextLocalHour(instant: Date, timeZone: string, hour: number): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wallClock = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour,
    parts.minute,
    parts.second,
  );
  const offsetMs = wallClock - Math.floor(instant.getTime() / 1000) * 1000;
  let candidate = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, hour) - offsetMs;
  if (candidate < instant.getTime()) candidate += 24 * HOUR_MS;
  return new Date(candidate);
}

describe('quiet hours', () => {
  it('defers the reminders of a property where it is night to the next allowed window', async () => {
    const t = e2e();
    const primary = person({ role: 'Primary', firstName: 'Florence' });
    const app = await submit(t, PROPERTIES.night, [primary]);

    // Invitations go out at once (they answer the applicant's own action); reminders wait for the morning.
    await invitesWhen(t, primary, expectedInvites(primary, ['income']));
    const [sent] = await t.events.of(InviteSent, app.applicationId);
    expect(sent).toBeDefined();
    const scheduled = await eventually(async () => {
      const events = await t.events.of(ReminderScheduled, app.applicationId);
      return events.length >= E2E_REMINDERS.maxCount ? events : undefined;
    });
    const first = scheduled.find((e) => e.payload.reminderNumber === 1);
    const nominal = new Date(Date.parse(sent?.occurredAt ?? '') + E2E_REMINDERS.firstAfterHours * HOUR_MS);
    const morning = nextLocalHour(nominal, t.nightZone, FEDERAL_WINDOW_START_HOUR);
    expect(first?.payload.shiftedForQuietHours).toBe(true);
    expect(first?.payload.dueAt).toBe(morning.toISOString());
    const second = scheduled.find((e) => e.payload.reminderNumber === 2);
    expect(Date.parse(second?.payload.dueAt ?? '')).toBeGreaterThanOrEqual(
      morning.getTime() + E2E_REMINDERS.intervalHours * HOUR_MS,
    );

    // Nothing is sent when reminder 1 would have been due in daytime.
    await sleep(Math.max(0, nominal.getTime() + 5000 - Date.now()));
    expect(remindersIn(await inbox(t, primary))).toEqual([]);
  });
});
