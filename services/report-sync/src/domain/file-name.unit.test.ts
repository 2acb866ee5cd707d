import { describe, expect, it } from 'vitest';
import {
  findReportDocument,
  isReportDocument,
  reportFileName,
  reportIdToken,
  safeLastName,
} from './file-name.ts';

describe('reportFileName', () => {
  it('names a household income report without any personal data', () => {
    expect(
      reportFileName({ reportId: 'rep_9', reportType: 'income', scope: 'household', lastName: 'Lovelace' }),
    ).toBe('Income Verification Report - Household - rep_9.pdf');
  });

  it("names an applicant's identity report with the last name only", () => {
    expect(
      reportFileName({
        reportId: 'rep_10',
        reportType: 'identity',
        scope: 'applicant',
        lastName: 'Lovelace',
      }),
    ).toBe('Identity Verification Report - Lovelace - rep_10.pdf');
    expect(reportFileName({ reportId: 'r1', reportType: 'asset', scope: 'household' })).toBe(
      'Asset Verification Report - Household - r1.pdf',
    );
  });

  it('falls back to "Applicant" when the last name is unknown or unusable', () => {
    expect(reportFileName({ reportId: 'r1', reportType: 'identity', scope: 'applicant' })).toBe(
      'Identity Verification Report - Applicant - r1.pdf',
    );
    expect(
      reportFileName({ reportId: 'r1', reportType: 'identity', scope: 'applicant', lastName: '李' }),
    ).toContain(' - Applicant - ');
  });

  it('keeps only safe characters', () => {
    const name = reportFileName({
      reportId: 'rep/../9?x',
      reportType: 'identity',
      scope: 'applicant',
      lastName: "O'Brien-Muñoz <script>",
    });
    expect(name).toBe('Identity Verification Report - O Brien-Munoz script - rep----9-x.pdf');
    expect(name).toMatch(/^[A-Za-z0-9 ._-]+$/);
  });

  it('is deterministic and unique per report id', () => {
    const a = reportFileName({ reportId: 'rep_1', reportType: 'income', scope: 'household' });
    expect(reportFileName({ reportId: 'rep_1', reportType: 'income', scope: 'household' })).toBe(a);
    expect(reportFileName({ reportId: 'rep_2', reportType: 'income', scope: 'household' })).not.toBe(a);
  });
});

describe('safeLastName', () => {
  it('normalises accents, spaces and hyphens and caps the length', () => {
    expect(safeLastName('  de  la   Cruz ')).toBe('de la Cruz');
    expect(safeLastName('Zoë')).toBe('Zoe');
    expect(safeLastName('--Smith--Jones--')).toBe('Smith-Jones');
    expect(safeLastName('x'.repeat(100))?.length).toBe(40);
    expect(safeLastName('')).toBeUndefined();
    expect(safeLastName('123')).toBeUndefined();
  });
});

describe('reportIdToken', () => {
  it('rejects an id with nothing usable', () => {
    expect(() => reportIdToken('///')).toThrow(/no usable characters/);
  });
});

describe('isReportDocument / findReportDocument', () => {
  it('recognises our document by the report id as a whole token', () => {
    expect(isReportDocument('Income Verification Report - Household - rep_1.pdf', 'rep_1')).toBe(true);
    expect(isReportDocument('Income Verification Report - Household - rep_12.pdf', 'rep_1')).toBe(false);
    expect(isReportDocument('Income Verification Report - Household - xrep_1.pdf', 'rep_1')).toBe(false);
    expect(isReportDocument('income_verification_report_-_household_-_REP_1.PDF', 'rep_1')).toBe(true);
    expect(isReportDocument('income verification report - household - REP_1.PDF', 'rep_1')).toBe(true);
    expect(isReportDocument('lease.pdf', 'rep_1')).toBe(false);
  });

  it('finds the document among others', () => {
    const documents = [
      { fileId: '1', fileName: 'Lease.pdf' },
      { fileId: '2', fileName: 'Identity Verification Report - Lee - rep_7.pdf' },
    ];
    expect(findReportDocument(documents, 'rep_7')?.fileId).toBe('2');
    expect(findReportDocument(documents, 'rep_8')).toBeUndefined();
  });
});
