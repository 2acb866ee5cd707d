import { describe, expect, it } from 'vitest';
import { isQuietTime } from './quiet-hours.ts';
import { type PlanInput, planReminders, reminderId, reminderNotificationId } from './schedule.ts';

const HOUR = 3_600_000;
// Wednesday 2026-03-04 10:00 in Denver (MST, -07:00): well inside allowed hours.
const sentAt = new Date('2026-03-04T10:00:00-07:00');
const base: PlanInput = {
  sentAt,
  expiresAt: new Date(sentAt.getTime() + 14 * 24 * HOUR),
  reminders: { firstAfterHours: 24, intervalHours: 48, maxCount: 3 },
  timeZone: 'America/Denver',
  state: 'CO',
};
const times = (input: PlanInput) =>
  planReminders(input).map((r) => [r.number, r.dueAt.toISOString(), r.shiftedForQuietHours]);

describe('planReminders', () => {
  it('schedules first after firstAfterHours, then every intervalHours, up to maxCount', () => {
    expect(times(base)).toEqual([
      [1, '2026-03-05T17:00:00.000Z', false],
      [2, '2026-03-07T17:00:00.000Z', false],
      // After the DST change: 11:00 MDT, still allowed, so not moved.
      [3, '2026-03-09T17:00:00.000Z', false],
    ]);
  });

  it('counts elapsed hours, not wall-clock hours, across a DST change', () => {
    const [, , third] = planReminders(base);
    expect(third?.dueAt.getTime()).toBe(sentAt.getTime() + 120 * HOUR);
  });

  it('plans nothing when maxCount is 0', () => {
    expect(planReminders({ ...base, reminders: { ...base.reminders, maxCount: 0 } })).toEqual([]);
  });

  it('drops reminders due at or after the expiry', () => {
    const expiresAt = new Date(sentAt.getTime() + 73 * HOUR);
    expect(times({ ...base, expiresAt }).map(([n]) => n)).toEqual([1, 2]);
    // Exactly at expiry is too late as well.
    expect(times({ ...base, expiresAt: new Date(sentAt.getTime() + 72 * HOUR) }).map(([n]) => n)).toEqual([
      1,
    ]);
    expect(planReminders({ ...base, expiresAt: new Date(sentAt.getTime() + 24 * HOUR) })).toEqual([]);
  });

  it('drops a reminder that quiet hours push past the expiry', () => {
    // Sent 19:00; first nominally 21:00 (quiet) -> 08:00 next day, but the invite expires at 07:00.
    const evening = new Date('2026-03-04T19:00:00-07:00');
    const plan = planReminders({
      ...base,
      sentAt: evening,
      expiresAt: new Date('2026-03-05T07:00:00-07:00'),
      reminders: { firstAfterHours: 2, intervalHours: 1, maxCount: 3 },
    });
    expect(plan).toEqual([]);
  });

  it('supports fractional hours', () => {
    const plan = planReminders({
      ...base,
      reminders: { firstAfterHours: 0.01, intervalHours: 0.005, maxCount: 3 },
    });
    expect(plan.map((r) => r.dueAt.getTime() - sentAt.getTime())).toEqual([36_000, 54_000, 72_000]);
    expect(plan.every((r) => !r.shiftedForQuietHours)).toBe(true);
  });

  it('moves reminders out of quiet hours and flags them', () => {
    // Sent 20:00 Denver; first nominally 20:30 (allowed), second 21:30 (quiet) -> 08:00 next day.
    const plan = planReminders({
      ...base,
      sentAt: new Date('2026-03-04T20:00:00-07:00'),
      reminders: { firstAfterHours: 0.5, intervalHours: 1, maxCount: 2 },
    });
    expect(
      times({
        ...base,
        sentAt: new Date('2026-03-04T20:00:00-07:00'),
        reminders: { firstAfterHours: 0.5, intervalHours: 1, maxCount: 2 },
      }),
    ).toEqual([
      [1, '2026-03-05T03:30:00.000Z', false],
      [2, '2026-03-05T15:00:00.000Z', true],
    ]);
    expect(plan.every((r) => !isQuietTime(r.dueAt, 'America/Denver', 'CO'))).toBe(true);
  });

  it('keeps the interval between reminders pushed to the opening of a window', () => {
    // Sent 23:00: all three nominal times fall in the night; they are spaced from 08:00 on, not bunched at 08:00.
    const plan = times({
      ...base,
      sentAt: new Date('2026-03-04T23:00:00-07:00'),
      reminders: { firstAfterHours: 0.5, intervalHours: 0.5, maxCount: 3 },
    });
    expect(plan).toEqual([
      [1, '2026-03-05T15:00:00.000Z', true],
      [2, '2026-03-05T15:30:00.000Z', true],
      [3, '2026-03-05T16:00:00.000Z', true],
    ]);
  });

  it("uses the property's state rules (Texas Sunday starts at noon)", () => {
    // Saturday 2026-03-07 20:00 CST; first reminder nominally Sunday 10:00 CDT -> noon CDT.
    const plan = times({
      ...base,
      sentAt: new Date('2026-03-07T20:00:00-06:00'),
      timeZone: 'America/Chicago',
      state: 'TX',
      reminders: { firstAfterHours: 13, intervalHours: 48, maxCount: 1 },
    });
    expect(plan).toEqual([[1, '2026-03-08T17:00:00.000Z', true]]);
  });

  it('rejects settings the contract forbids', () => {
    expect(() =>
      planReminders({ ...base, reminders: { firstAfterHours: 0, intervalHours: 1, maxCount: 1 } }),
    ).toThrow(RangeError);
    expect(() =>
      planReminders({ ...base, reminders: { firstAfterHours: 1, intervalHours: -1, maxCount: 1 } }),
    ).toThrow(RangeError);
    expect(() =>
      planReminders({ ...base, reminders: { firstAfterHours: 1, intervalHours: 1, maxCount: 1.5 } }),
    ).toThrow(RangeError);
  });
});

describe('ids', () => {
  it('are deterministic', () => {
    const id = reminderId('8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01', 'income', 2);
    expect(id).toBe('reminder:8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01:income:2');
    expect(reminderNotificationId(id, 'sms')).toBe(
      'reminder:8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01:income:2:sms',
    );
  });
});
