import {
  ApplicationSubmitted,
  InviteSent,
  NotificationFailed,
  NotificationRequested,
  ReportSynced,
} from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { maskFileName, maskName, maskPersonalData } from './masking.ts';

describe('maskPersonalData', () => {
  it('masks names, email and phone of applicants, keeping ids and structure', () => {
    const masked = maskPersonalData(ApplicationSubmitted.example);
    const [applicant] = masked.applicants;
    expect(applicant).toMatchObject({
      applicantId: ApplicationSubmitted.example.applicants[0]?.applicantId,
      entrataCustomerId: '501',
      firstName: 'A***',
      lastName: 'L***',
      email: 'a***@e***.com',
      mobilePhone: '+*********23',
    });
    expect(masked.entrataApplicationId).toBe('14423');
    expect(JSON.stringify(masked)).not.toMatch(/Lovelace|ada@example|3035550123/);
  });

  it('masks a recipient by what it is, the recipient name, and addresses quoted in free text', () => {
    const email = maskPersonalData(NotificationRequested.example);
    expect(email.to).toBe('a***@e***.com');
    expect(email.recipientName).toBe('A*** L***');
    expect(maskPersonalData({ ...NotificationRequested.example, to: '+13035550123' }).to).toBe(
      '+*********23',
    );
    const failed = maskPersonalData({ ...NotificationFailed.example, detail: 'bounce from ada@example.com' });
    expect(failed.detail).toBe('bounce from a***@e***.com');
  });

  it('masks the surname in the file name of a synced report, keeping its kind and report id', () => {
    expect(
      maskPersonalData({
        ...ReportSynced.example,
        fileName: 'Identity Verification Report - Lovelace - rep_10.pdf',
      }).fileName,
    ).toBe('Identity Verification Report - L*** - rep_10.pdf');
    expect(maskPersonalData(ReportSynced.example).fileName).toBe('identity-report-l***-rep_9.pdf');
    expect(maskFileName('Income Verification Report - Household - rep_9.pdf')).toBe(
      'Income Verification Report - Household - rep_9.pdf',
    );
    expect(maskFileName("Identity Verification Report - O'Brien-Núñez - rep_ab.pdf")).toBe(
      'Identity Verification Report - O***-N*** - rep_ab.pdf',
    );
  });

  it('masks invite and verification links down to where they point', () => {
    expect(maskPersonalData(NotificationRequested.example).link).toBe('https://verify.example.com/***');
    expect(maskPersonalData(InviteSent.example).link).toBe('https://verify.example.com/***');
    expect(maskPersonalData({ link: 'not a url' }).link).toBe('***');
  });

  it('does not change the input', () => {
    const input = { applicants: [{ firstName: 'Ada' }] };
    maskPersonalData(input);
    expect(input.applicants[0]?.firstName).toBe('Ada');
  });

  it('maskName keeps the first letter of each word', () => {
    expect(maskName('  Ada   Lovelace ')).toBe('A*** L***');
    expect(maskName('Ö')).toBe('Ö***');
    expect(maskName('')).toBe('');
  });
});
