import { ApplicationSubmitted, InviteSent } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { replayRecord, type StoredEnvelope, validateReplayRequest } from './replay.ts';

const envelope: StoredEnvelope = {
  id: '5f1c7a52-0b7e-4c8e-9a53-2f0d3f1c2b11',
  type: InviteSent.type,
  version: 1,
  occurredAt: '2026-11-24T15:04:05.000Z',
  tenantId: 'demo-pm',
  correlationId: InviteSent.example.applicationId,
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  payload: InviteSent.example,
};
const topicName = (t: { name: string }) => `ns.${t.name}`;

describe('replayRecord', () => {
  it('re-publishes the original event (same id, topic, key, trace) marked with the replay', () => {
    const record = replayRecord(envelope, { replayId: 'r1', requestedBy: 'alice' }, undefined, topicName);
    expect(record.topic).toBe('ns.invites');
    expect(record.key).toBe(InviteSent.example.applicationId);
    expect(JSON.parse(String(record.value))).toEqual({
      ...envelope,
      replay: { replayId: 'r1', requestedBy: 'alice' },
    });
    expect(record.headers).toEqual({
      'event-type': 'InviteSent',
      'event-version': '1',
      'event-id': envelope.id,
      traceparent: envelope.traceparent,
    });
  });

  it('aims the record at one consumer with x-replay-target', () => {
    const record = replayRecord(envelope, { replayId: 'r1', requestedBy: 'alice' }, 'reminder', topicName);
    expect(record.headers?.['x-replay-target']).toBe('reminder');
  });

  it('refuses an envelope that no longer matches its contract', () => {
    const bad = { ...envelope, type: ApplicationSubmitted.type };
    expect(() => replayRecord(bad, { replayId: 'r', requestedBy: 'a' }, undefined, topicName)).toThrow(
      /invalid/,
    );
  });
});

describe('validateReplayRequest', () => {
  it('accepts an application, or a tenant range of at most 31 days, to a known consumer', () => {
    expect(() => validateReplayRequest({ applicationId: 'x' }, 'invite')).not.toThrow();
    expect(() => validateReplayRequest({ applicationId: 'x' }, 'support')).not.toThrow();
    expect(() =>
      validateReplayRequest(
        { tenantId: 'demo-pm', from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z' },
        undefined,
      ),
    ).not.toThrow();
  });
  it('rejects unknown consumers and bad ranges', () => {
    expect(() => validateReplayRequest({ applicationId: 'x' }, 'nobody')).toThrow(
      /unknown consumer "nobody"/,
    );
    expect(() =>
      validateReplayRequest(
        { tenantId: 't1', from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        undefined,
      ),
    ).toThrow(/before/);
    expect(() =>
      validateReplayRequest(
        { tenantId: 't1', from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
        undefined,
      ),
    ).toThrow(/at most 31 days/);
  });
});
