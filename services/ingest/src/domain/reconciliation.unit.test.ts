import { describe, expect, it } from 'vitest';
import { isSubmittedApplicationStatus, reconciliationWindow } from './reconciliation.ts';

describe('isSubmittedApplicationStatus', () => {
  it('accepts submitted application statuses', () => {
    for (const s of [
      'Application Completed',
      'application approved',
      'Application Submitted',
      'Application Pending Approval',
    ]) {
      expect(isSubmittedApplicationStatus(s)).toBe(true);
    }
  });
  it('rejects unsubmitted, cancelled, denied and non-application statuses', () => {
    for (const s of [
      'Application Started',
      'Application Partially Completed',
      'Application Cancelled',
      'Application Canceled',
      'Application Denied',
      'Guest Card',
      'Lead',
      '',
    ]) {
      expect(isSubmittedApplicationStatus(s)).toBe(false);
    }
  });
});

describe('reconciliationWindow', () => {
  it('looks back lookbackDays from now', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(reconciliationWindow(now, 3)).toEqual({ from: new Date('2026-11-21T12:00:00Z'), to: now });
  });
});
