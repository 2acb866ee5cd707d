import Type from 'typebox';
import { defineEvent } from '../envelope.ts';
import { Id, ReportType, Uuid } from './common.ts';

export const ReportSynced = defineEvent({
  type: 'ReportSynced',
  version: 1,
  key: 'applicationId',
  description: 'The report PDF is in Entrata under the application documents.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      entrataApplicationId: Id,
      reportId: Id,
      reportType: ReportType,
      entrataFileId: Type.String(),
      fileName: Type.String(),
      attempts: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    entrataApplicationId: '14423',
    reportId: 'rep_9',
    reportType: 'identity',
    entrataFileId: '77001',
    fileName: 'identity-report-lovelace-rep_9.pdf',
    attempts: 1,
  },
});

export const ReportSyncFailed = defineEvent({
  type: 'ReportSyncFailed',
  version: 1,
  key: 'applicationId',
  description: 'A report could not be put into Entrata after the last attempt; support can retry it.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      reportId: Id,
      reportType: ReportType,
      reason: Type.String(),
      attempts: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    reportId: 'rep_9',
    reportType: 'identity',
    reason: 'Entrata error 500: Internal error',
    attempts: 8,
  },
});
