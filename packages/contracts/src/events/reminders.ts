import Type from 'typebox';
import { defineEvent } from '../envelope.ts';
import { DateTime, Uuid, VerificationKind } from './common.ts';

export const ReminderScheduled = defineEvent({
  type: 'ReminderScheduled',
  version: 1,
  key: 'applicationId',
  description: 'A reminder was scheduled; dueAt is already moved out of quiet hours.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      applicantId: Uuid,
      kind: VerificationKind,
      reminderNumber: Type.Integer({ minimum: 1 }),
      dueAt: DateTime,
      shiftedForQuietHours: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    kind: 'income',
    reminderNumber: 1,
    dueAt: '2026-11-25T15:00:00.000Z',
    shiftedForQuietHours: false,
  },
});

export const ReminderCancelled = defineEvent({
  type: 'ReminderCancelled',
  version: 1,
  key: 'applicationId',
  description: 'Pending reminders of an applicant and kind were cancelled.',
  payload: Type.Object(
    {
      applicationId: Uuid,
      applicantId: Uuid,
      kind: VerificationKind,
      reason: Type.Union([Type.Literal('completed'), Type.Literal('expired')]),
      cancelled: Type.Integer({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
  example: {
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    kind: 'income',
    reason: 'completed',
    cancelled: 2,
  },
});
