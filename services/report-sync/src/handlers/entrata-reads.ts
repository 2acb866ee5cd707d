/**
 * What sync-report reads from Entrata around an upload: the file type id from the customer's pick list, the
 * applicant's last name for the file name, and whether the report's document is already there.
 */
import type { ReportType } from '@autoverify/contracts';
import type { EntrataClient, EntrataFileType, EntrataLeaseDocument } from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/messaging';
import { findReportDocument } from '../domain/file-name.ts';
import { ConfigurationError, type FileTypeSettings, resolveFileTypeId } from '../domain/file-type.ts';
import { LeaseNotFoundError } from '../domain/sync-decision.ts';
import type { ReportRow } from '../store.ts';

/** The Entrata calls report-sync makes, for one tenant. */
export type EntrataPort = Pick<
  EntrataClient,
  'findApplication' | 'getLeases' | 'getLeaseDocumentsList' | 'getLeasePickList' | 'sendLeaseDocuments'
>;

/** File types change rarely; a customer adding the missing one is seen at the next failing lookup anyway. */
export const PICK_LIST_TTL_MS = 10 * 60_000;

export interface EntrataReadsOptions {
  /** Waits before each read of the document list (a new document may not be listed at once). */
  verifyDelaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds now (ctx.clock in the service). */
  now: () => number;
}

export type EntrataReads = ReturnType<typeof entrataReads>;

export function entrataReads(options: EntrataReadsOptions) {
  const { now } = options;
  const pickLists = new Map<string, { at: number; fileTypes: EntrataFileType[] }>();

  async function pickList(client: EntrataPort, tenantId: string, fresh: boolean): Promise<EntrataFileType[]> {
    const cached = pickLists.get(tenantId);
    if (cached && !fresh && now() - cached.at < PICK_LIST_TTL_MS) return cached.fileTypes;
    const { fileTypes } = await client.getLeasePickList();
    pickLists.set(tenantId, { at: now(), fileTypes });
    return fileTypes;
  }

  return {
    /** The configured type found in the customer's getLeasePickList (read again once before saying it is missing). */
    async fileTypeId(
      client: EntrataPort,
      row: Pick<ReportRow, 'tenantId'>,
      settings: FileTypeSettings | undefined,
      reportType: ReportType,
    ): Promise<string> {
      try {
        return resolveFileTypeId(await pickList(client, row.tenantId, false), settings, reportType);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        return resolveFileTypeId(await pickList(client, row.tenantId, true), settings, reportType);
      }
    },

    /**
     * The document of this report in Entrata, looked for a few times. getLeaseDocumentsList is asked by lease
     * (it takes propertyId + leaseId, no applicationId); the application's lease ids come from getLeases, the
     * same read ingest uses for the applicants' roles, so nothing new has to travel with the report.
     */
    async findReportDocument(client: EntrataPort, row: ReportRow): Promise<EntrataLeaseDocument | undefined> {
      const leases = await client.getLeases({
        propertyId: row.propertyId,
        applicationId: row.entrataApplicationId,
      });
      const leaseIds = leases.map((l) => l.leaseId).filter((id): id is string => id !== undefined);
      if (leaseIds.length === 0) throw new LeaseNotFoundError(row.entrataApplicationId, row.propertyId);
      for (const delay of options.verifyDelaysMs) {
        if (delay > 0) await options.sleep(delay);
        for (const leaseId of leaseIds) {
          const documents = await client.getLeaseDocumentsList({ propertyId: row.propertyId, leaseId });
          const found = findReportDocument(documents, row.reportId);
          if (found) return found;
        }
      }
      return undefined;
    },

    /** The applicant's last name for the file name, when the report is one applicant's; best effort. */
    async lastName(client: EntrataPort, row: ReportRow, log: Logger): Promise<string | undefined> {
      const customerId =
        row.scope === 'applicant' && row.entrataCustomerIds.length === 1
          ? row.entrataCustomerIds[0]
          : undefined;
      if (!customerId) return undefined;
      try {
        const prospect = await client.findApplication({
          propertyId: row.propertyId,
          applicationId: row.entrataApplicationId,
        });
        return prospect?.customers.find((c) => c.customerId === customerId)?.lastName;
      } catch (error) {
        // A generic name is better than a late report.
        log.warn({ err: error }, 'applicant not readable from Entrata: file named without a last name');
        return undefined;
      }
    },
  };
}
