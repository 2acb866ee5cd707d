import { nextAllowedTime } from './quiet-hours.ts';

const HOUR_MS = 3_600_000;

export interface ReminderSettings {
  /** Hours after the invite until the first reminder; fractional hours are allowed (demos use 0.01). */
  firstAfterHours: number;
  /** Hours between reminders. */
  intervalHours: number;
  /** 0 = no reminders. */
  maxCount: number;
}

export interface PlanInput {
  /** When the invite was sent. */
  sentAt: Date;
  expiresAt: Date;
  reminders: ReminderSettings;
  /** Property time zone (IANA) and state: quiet hours apply there. */
  timeZone: string;
  state: string;
}

export interface PlannedReminder {
  /** 1-based */
  number: number;
  dueAt: Date;
  /** True when dueAt is later than the nominal time because of quiet hours. */
  shiftedForQuietHours: boolean;
}

/** Deterministic id of reminder n of an applicant's invite of one kind: the same plan always yields the same rows. */
export const reminderId = (applicantId: string, kind: string, number: number): string =>
  `reminder:${applicantId}:${kind}:${number}`;

/** Deterministic notification id of one reminder on one channel, so notify sends it at most once. */
export const reminderNotificationId = (id: string, channel: string): string => `${id}:${channel}`;

/**
 * The reminders to send for one invite. Reminder n is nominally due at
 * sentAt + firstAfterHours + (n-1) * intervalHours, moved out of quiet hours in the property's zone.
 * Reminders that would be due at or after the invite's expiry are dropped (a reminder for a dead link helps
 * nobody). When quiet hours push a reminder late, the next one still keeps at least intervalHours after it,
 * so short intervals never pile several reminders up at the opening of a window.
 */
export function planReminders(input: PlanInput): PlannedReminder[] {
  const { firstAfterHours, intervalHours, maxCount } = input.reminders;
  if (!(firstAfterHours > 0) || !(intervalHours > 0) || !Number.isInteger(maxCount) || maxCount < 0) {
    throw new RangeError(`invalid reminder settings: ${JSON.stringify(input.reminders)}`);
  }
  const sentAt = input.sentAt.getTime();
  const expiresAt = input.expiresAt.getTime();
  const planned: PlannedReminder[] = [];
  for (let number = 1; number <= maxCount; number++) {
    const nominal = sentAt + Math.round((firstAfterHours + (number - 1) * intervalHours) * HOUR_MS);
    const previous = planned.at(-1);
    const earliest = previous
      ? Math.max(nominal, previous.dueAt.getTime() + Math.round(intervalHours * HOUR_MS))
      : nominal;
    const dueAt = nextAllowedTime(new Date(earliest), input.timeZone, input.state);
    // Later reminders are only later still: stop at the first one past expiry.
    if (dueAt.getTime() >= expiresAt) break;
    planned.push({ number, dueAt, shiftedForQuietHours: dueAt.getTime() !== nominal });
  }
  return planned;
}
