import { describe, expect, it } from 'vitest';
import { assertReportBinding, ReportBindingError, reportBindingProblem } from './report-binding.ts';

const expected = { reportId: 'rep_1', applicantGroupId: 'grp_1', reportType: 'identity' as const };
const data = { reportId: 'rep_1', applicantGroupId: 'grp_1', reportType: 'identity' };

describe('reportBindingProblem', () => {
  it('accepts report data that names the same report, group and type', () => {
    expect(reportBindingProblem(expected, data)).toBeUndefined();
    // The id and type are checked when given; the group must be there.
    expect(
      reportBindingProblem(expected, {
        reportId: undefined,
        applicantGroupId: 'grp_1',
        reportType: undefined,
      }),
    ).toBeUndefined();
  });

  it('refuses a report of another applicant group, naming both groups', () => {
    const problem = reportBindingProblem(expected, { ...data, applicantGroupId: 'grp_2' });
    expect(problem).toContain('grp_2');
    expect(problem).toContain('grp_1');
  });

  it('refuses report data that names no group: belonging cannot be shown', () => {
    expect(reportBindingProblem(expected, { ...data, applicantGroupId: undefined })).toMatch(
      /names no applicant group/,
    );
  });

  it('refuses data of another report, or of another type', () => {
    expect(reportBindingProblem(expected, { ...data, reportId: 'rep_2' })).toMatch(/rep_2/);
    expect(reportBindingProblem(expected, { ...data, reportType: 'income' })).toMatch(/income report/);
  });
});

describe('assertReportBinding', () => {
  it('throws a ReportBindingError saying nothing was uploaded', () => {
    expect(() => assertReportBinding(expected, data)).not.toThrow();
    expect(() => assertReportBinding(expected, { ...data, applicantGroupId: 'grp_2' })).toThrow(
      ReportBindingError,
    );
    expect(() => assertReportBinding(expected, { ...data, applicantGroupId: 'grp_2' })).toThrow(
      /not uploaded anywhere/,
    );
  });
});
