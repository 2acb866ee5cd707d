import type { ReportType } from './file-name.ts';

/** The tenants file cannot place this report: fixing the configuration (and a support retry) is needed. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * Entrata file type of a report, from the property's settings. Asset reports (bank balances) are proof of
 * funds, so they are filed under the income type: the settings have no separate asset type.
 */
export function resolveFileTypeId(
  fileTypes: { income: string; identity: string } | undefined,
  reportType: ReportType,
): string {
  const key = reportType === 'identity' ? 'identity' : 'income';
  const id = fileTypes?.[key]?.trim();
  if (!id)
    throw new ConfigurationError(
      `no Entrata file type configured for ${key} reports (entrataFileTypes.${key})`,
    );
  return id;
}
