/**
 * The name a report's document gets in Entrata. Leasing staff read it under Applicants -> Documents, and we
 * read it back to recognise our own upload after a crash: the report id is always in it, as its last token.
 */
import type { ReportType } from '@autoverify/contracts';

export type ReportScope = 'applicant' | 'household';

const LABELS: Record<ReportType, string> = {
  income: 'Income Verification Report',
  identity: 'Identity Verification Report',
  asset: 'Asset Verification Report',
};

const MAX_LAST_NAME = 40;

/**
 * The report id as it appears in a file name: letters, digits, `_` and `-` kept, anything else becomes `-`.
 * Platform ids are of that alphabet already; two ids differing only in other characters would share a token.
 */
export function reportIdToken(reportId: string): string {
  const token = reportId.replace(/[^A-Za-z0-9_-]/g, '-');
  if (token.replace(/[-_]/g, '') === '')
    throw new TypeError(`report id "${reportId}" has no usable characters`);
  return token;
}

/**
 * A last name reduced to ASCII letters, spaces and hyphens (accents dropped: "Muñoz" -> "Munoz"), or
 * undefined when nothing usable is left. Other people's data never gets this far: only a last name.
 */
export function safeLastName(lastName: string | undefined): string | undefined {
  if (!lastName) return undefined;
  const ascii = lastName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z -]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/-+/g, '-')
    .trim()
    .replace(/^-+|-+$/g, '')
    .trim();
  if (!/[A-Za-z]/.test(ascii)) return undefined;
  return ascii.slice(0, MAX_LAST_NAME).trim();
}

/**
 * e.g. `Income Verification Report - Household - rep_9.pdf`,
 * `Identity Verification Report - Lovelace - rep_10.pdf` (`Applicant` when the last name is unknown).
 */
export function reportFileName(report: {
  reportId: string;
  reportType: ReportType;
  scope: ReportScope;
  lastName?: string | undefined;
}): string {
  const who = report.scope === 'household' ? 'Household' : (safeLastName(report.lastName) ?? 'Applicant');
  return `${LABELS[report.reportType]} - ${who} - ${reportIdToken(report.reportId)}.pdf`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a document in Entrata is this report's: its name carries the report id as a whole token (so
 * rep_1 does not match rep_12). Entrata may rewrite separators or case, hence no exact-name comparison;
 * the price is that another id ending in `_rep_1` would also match, which platform ids do not do.
 */
export function isReportDocument(fileName: string, reportId: string): boolean {
  const token = escapeRegExp(reportIdToken(reportId));
  return new RegExp(`(^|[^A-Za-z0-9])${token}([^A-Za-z0-9]|$)`, 'i').test(fileName);
}

export function findReportDocument<D extends { fileName: string }>(
  documents: readonly D[],
  reportId: string,
): D | undefined {
  return documents.find((d) => isReportDocument(d.fileName, reportId));
}
