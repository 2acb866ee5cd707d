import { describe, expect, it } from 'vitest';
import { assessContact, emailKey, sameContact, sameEmail } from './contact.ts';

const both = { email: true, sms: true };

describe('assessContact', () => {
  it('uses every channel with a contact that the property enables', () => {
    expect(
      assessContact({ email: 'a@example.com', mobilePhone: '+13035550123', contactIssues: [] }, both),
    ).toEqual({ usable: ['email', 'sms'], notes: [] });
    expect(
      assessContact(
        { email: 'a@example.com', mobilePhone: '+13035550123', contactIssues: [] },
        { email: true, sms: false },
      ),
    ).toEqual({
      usable: ['email'],
      notes: ['text invitations are disabled for this property'],
    });
  });

  it('invites on the one usable channel and keeps the other problem as a note', () => {
    const result = assessContact(
      { mobilePhone: '+13035550123', contactIssues: [{ field: 'email', problem: 'invalid' }] },
      both,
    );
    expect(result).toEqual({ usable: ['sms'], notes: ['email address in Entrata is invalid'] });
  });

  it('blocks with no_contact when nothing is on file', () => {
    expect(
      assessContact(
        {
          contactIssues: [
            { field: 'email', problem: 'missing' },
            { field: 'phone', problem: 'missing' },
          ],
        },
        both,
      ),
    ).toEqual({
      usable: [],
      notes: [],
      blocked: {
        reason: 'no_contact',
        detail: 'no email address in Entrata; no mobile phone number in Entrata',
      },
    });
  });

  it('blocks with invalid_contact when what is on file is invalid', () => {
    const result = assessContact({ contactIssues: [{ field: 'email', problem: 'invalid' }] }, both);
    expect(result.blocked).toEqual({
      reason: 'invalid_contact',
      detail: 'email address in Entrata is invalid; no mobile phone number in Entrata',
    });
  });

  it('blocks when the only contact is on a disabled channel, and says so', () => {
    const result = assessContact(
      { mobilePhone: '+13035550123', contactIssues: [] },
      { email: true, sms: false },
    );
    expect(result.blocked).toEqual({
      reason: 'no_contact',
      detail: 'no email address in Entrata; text invitations are disabled for this property',
    });
  });
});

describe('sameContact', () => {
  it('compares normalised emails and phones only', () => {
    expect(
      sameContact(
        { email: 'Ada@Example.com ', contactIssues: [] },
        { email: 'ada@example.com', mobilePhone: null, contactIssues: [] },
      ),
    ).toBe(true);
    expect(
      sameContact(
        { email: 'a@example.com', contactIssues: [] },
        { email: 'b@example.com', contactIssues: [] },
      ),
    ).toBe(false);
    expect(sameContact({ mobilePhone: '+13035550123', contactIssues: [] }, { contactIssues: [] })).toBe(
      false,
    );
  });
});

describe('emailKey and sameEmail', () => {
  it('agree with ingest, which lower-cases only the domain: its equal addresses stay equal here', () => {
    // What ingest publishes for `Ada@Example.COM` and `Ada@example.com`: Ada@example.com both times.
    expect(sameEmail('Ada@example.com', 'Ada@example.com')).toBe(true);
    expect(emailKey('Ada@example.com')).toBe(emailKey('Ada@EXAMPLE.com'));
  });

  it('also fold the local part: a case-only edit is the same mailbox, not a second invitation', () => {
    expect(emailKey(' Ada.Lovelace@Example.com ')).toBe('ada.lovelace@example.com');
    expect(sameEmail('Ada@example.com', 'ada@example.com')).toBe(true);
    expect(sameEmail('ada@example.com', 'ada2@example.com')).toBe(false);
  });

  it('treat two absent addresses as the same and an absent one as different', () => {
    expect(sameEmail(null, undefined)).toBe(true);
    expect(sameEmail('ada@example.com', null)).toBe(false);
  });
});
