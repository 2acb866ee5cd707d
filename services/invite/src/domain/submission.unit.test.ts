import { describe, expect, it } from 'vitest';
import { decideSubmission, type KnownApplicant, type SubmittedApplicant } from './submission.ts';

const channels = { email: true, sms: true };
const ada: SubmittedApplicant = {
  applicantId: 'a1',
  email: 'ada@example.com',
  mobilePhone: '+13035550123',
  contactIssues: [],
};
const bob: SubmittedApplicant = { applicantId: 'a2', email: 'bob@example.com', contactIssues: [] };
const ghost: SubmittedApplicant = {
  applicantId: 'a3',
  contactIssues: [{ field: 'email', problem: 'missing' }],
};
const known = (a: SubmittedApplicant, extra: Partial<KnownApplicant> = {}): KnownApplicant => ({
  ...a,
  ...extra,
});

describe('decideSubmission', () => {
  it('first time: every reachable applicant is new and the platform job is needed', () => {
    const decision = decideSubmission(undefined, [ada, bob], channels);
    expect(decision.firstTime).toBe(true);
    expect(decision.syncPlatform).toBe(true);
    expect(decision.applicants.map((a) => [a.applicantId, a.change, a.usable])).toEqual([
      ['a1', 'new', ['email', 'sms']],
      ['a2', 'new', ['email']],
    ]);
  });

  it('same application again with identical contacts: nothing to do', () => {
    const decision = decideSubmission(
      [known(ada), known(bob)],
      [{ ...ada, email: 'ADA@example.com' }, bob],
      channels,
    );
    expect(decision.syncPlatform).toBe(false);
    expect(decision.applicants.every((a) => a.change === 'unchanged' && !a.reportBlock)).toBe(true);
  });

  it('changed email or phone: contact_changed and the platform job is needed', () => {
    const decision = decideSubmission(
      [known(ada), known(bob)],
      [ada, { ...bob, email: 'bob@new.example.com' }],
      channels,
    );
    expect(decision.syncPlatform).toBe(true);
    expect(decision.applicants.map((a) => a.change)).toEqual(['unchanged', 'contact_changed']);
    const phone = decideSubmission([known(ada)], [{ ...ada, mobilePhone: '+13035550199' }], channels);
    expect(phone.applicants[0]?.change).toBe('contact_changed');
  });

  it('applicant newly on the application: added', () => {
    const decision = decideSubmission([known(ada)], [ada, bob], channels);
    expect(decision.syncPlatform).toBe(true);
    expect(decision.applicants.map((a) => a.change)).toEqual(['unchanged', 'added']);
  });

  it('no contact: blocked and reported once, not sent to the platform', () => {
    const first = decideSubmission(undefined, [ada, ghost], channels);
    expect(first.applicants[1]).toMatchObject({
      change: 'new',
      reportBlock: true,
      blocked: { reason: 'no_contact' },
    });
    const onlyGhost = decideSubmission(undefined, [ghost], channels);
    expect(onlyGhost.syncPlatform).toBe(false);

    const blocked = first.applicants[1]?.blocked;
    const again = decideSubmission(
      [known(ada), known(ghost, { blocked: blocked ?? null })],
      [ada, ghost],
      channels,
    );
    expect(again.applicants[1]).toMatchObject({ reportBlock: false });
    expect(again.syncPlatform).toBe(false);
  });

  it('a blocked applicant who now has a contact is added', () => {
    const decision = decideSubmission(
      [known(ghost, { blocked: { reason: 'no_contact', detail: 'x' } })],
      [{ ...ghost, email: 'ghost@example.com', contactIssues: [] }],
      channels,
    );
    expect(decision.applicants[0]).toMatchObject({ change: 'added', reportBlock: false });
    expect(decision.syncPlatform).toBe(true);
  });

  it('an applicant the platform rejected is retried only with different contact details', () => {
    expect(decideSubmission([known(ada, { rejected: true })], [ada], channels).syncPlatform).toBe(false);
    const fixed = decideSubmission(
      [known(ada, { rejected: true })],
      [{ ...ada, email: 'other@example.com' }],
      channels,
    );
    expect(fixed.syncPlatform).toBe(true);
    expect(fixed.applicants[0]?.change).toBe('added');
  });

  it('reads the platform again on any submission while an applicant waits for platform ids', () => {
    const decision = decideSubmission([known(ada, { awaitingIds: true })], [ada], channels);
    expect(decision.applicants.map((a) => a.change)).toEqual(['unchanged']);
    expect(decision.syncPlatform).toBe(true);
  });
});
