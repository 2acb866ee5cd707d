import type { EntrataFileTypeRef, ReportType } from '@autoverify/contracts';
import { describeFileTypeRef, type EntrataFileType, resolveFileType } from '@autoverify/entrata-client';

/** The tenants file cannot place this report: fixing the configuration (and a support retry) is needed. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export type FileTypeSettings = { income: EntrataFileTypeRef; identity: EntrataFileTypeRef };

/**
 * Which setting files a report. Asset reports (bank balances) are proof of funds, so they are filed under the
 * income type: the settings have no separate asset type.
 */
export function fileTypeSetting(
  fileTypes: FileTypeSettings | undefined,
  reportType: ReportType,
): { key: 'income' | 'identity'; ref: EntrataFileTypeRef } {
  const key = reportType === 'identity' ? 'identity' : 'income';
  const ref = fileTypes?.[key];
  if (ref === undefined || (typeof ref === 'string' && ref.trim() === ''))
    throw new ConfigurationError(
      `no Entrata file type configured for ${key} reports (entrataFileTypes.${key})`,
    );
  return { key, ref };
}

/**
 * The Entrata file type id of a report: the property's setting (an id, a systemCode or a name) found in the
 * customer's own getLeasePickList. A type the customer does not have is a configuration error naming it.
 */
export function resolveFileTypeId(
  pickList: readonly EntrataFileType[],
  fileTypes: FileTypeSettings | undefined,
  reportType: ReportType,
): string {
  const { key, ref } = fileTypeSetting(fileTypes, reportType);
  const resolved = resolveFileType(pickList, ref);
  if (resolved.ok) return resolved.fileType.id;
  throw new ConfigurationError(
    `the Entrata file type for ${key} reports (entrataFileTypes.${key} = ${describeFileTypeRef(ref)}) is not in the customer's getLeasePickList: ${resolved.problem}`,
  );
}
