import Type from 'typebox';
import { defineEvent } from '../envelope.ts';
import { Channel, DateTime, Id, Uuid, VerificationKind } from './common.ts';

const Purpose = Type.Union([Type.Literal('invite'), Type.Literal('reminder')]);

export const NotificationRequested = defineEvent({
  type: 'NotificationRequested',
  version: 1,
  key: 'applicationId',
  description:
    'Ask notify to send one message on one channel. notificationId is deterministic: a repeat has no effect.',
  payload: Type.Object(
    {
      notificationId: Type.String({ minLength: 1, maxLength: 200 }),
      applicationId: Uuid,
      applicantId: Uuid,
      propertyId: Id,
      purpose: Purpose,
      kind: VerificationKind,
      channel: Channel,
      to: Type.String({ minLength: 3, maxLength: 254, description: 'Email address or E.164 number.' }),
      recipientName: Type.String({ maxLength: 200 }),
      link: Type.String({ format: 'uri' }),
      expiresAt: DateTime,
      reminderNumber: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
  example: {
    notificationId: 'invite:8e0f3a5e:income:email:1a2b3c',
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    propertyId: '100200',
    purpose: 'invite',
    kind: 'income',
    channel: 'email',
    to: 'ada@example.com',
    recipientName: 'Ada Lovelace',
    link: 'https://verify.example.com/v/ver_1',
    expiresAt: '2026-12-08T15:04:05.000Z',
  },
});

export const NotificationSent = defineEvent({
  type: 'NotificationSent',
  version: 1,
  key: 'applicationId',
  description: 'The provider accepted the message.',
  payload: Type.Object(
    {
      notificationId: Type.String(),
      applicationId: Uuid,
      applicantId: Uuid,
      purpose: Purpose,
      kind: VerificationKind,
      channel: Channel,
      providerMessageId: Type.String(),
      attempts: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  example: {
    notificationId: 'invite:8e0f3a5e:income:email:1a2b3c',
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    purpose: 'invite',
    kind: 'income',
    channel: 'email',
    providerMessageId: '<abc@mail>',
    attempts: 1,
  },
});

export const NotificationFailed = defineEvent({
  type: 'NotificationFailed',
  version: 1,
  key: 'applicationId',
  description: 'A message was not delivered: suppressed (opt-out), rejected, bounced, or retries exhausted.',
  payload: Type.Object(
    {
      notificationId: Type.String(),
      applicationId: Uuid,
      applicantId: Uuid,
      purpose: Purpose,
      kind: VerificationKind,
      channel: Channel,
      reason: Type.Union([
        Type.Literal('opted_out'),
        Type.Literal('invalid_recipient'),
        Type.Literal('bounced'),
        Type.Literal('undelivered'),
        Type.Literal('retries_exhausted'),
      ]),
      detail: Type.String(),
      permanent: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  example: {
    notificationId: 'invite:8e0f3a5e:income:sms:1a2b3c',
    applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
    applicantId: '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01',
    purpose: 'invite',
    kind: 'income',
    channel: 'sms',
    reason: 'opted_out',
    detail: 'recipient replied STOP',
    permanent: true,
  },
});
