import type { StoredMessage } from '@autoverify/messaging';
import { describe, expect, it } from 'vitest';
import { describeDeadLetter, redriveRecord, requireConsumer } from './dead-letters.ts';

const message = (headers: Record<string, string>, value: string): StoredMessage => ({
  topic: 'ns.dlq.notify',
  partition: 0,
  offset: '7',
  key: 'app-1',
  value: Buffer.from(value),
  headers,
  timestamp: '0',
});

const failed = message(
  {
    'event-type': 'NotificationRequested',
    'event-version': '1',
    'event-id': 'e-1',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'x-error': 'Error: cannot send to ada@example.com',
    'x-attempts': '8',
    'x-original-topic': 'ns.notification-requests',
    'x-original-partition': '3',
    'x-original-offset': '41',
    'x-consumer': 'notify',
    'x-failed-at': '2026-11-24T10:00:00.000Z',
  },
  JSON.stringify({
    id: 'e-1',
    type: 'NotificationRequested',
    payload: { to: 'ada@example.com', recipientName: 'Ada L' },
  }),
);

describe('dead letters', () => {
  it('describes the failure and the origin, with personal data masked', () => {
    expect(describeDeadLetter('notify', failed)).toEqual({
      consumer: 'notify',
      partition: 0,
      offset: '7',
      error: 'Error: cannot send to a***@e***.com',
      attempts: 8,
      failedAt: '2026-11-24T10:00:00.000Z',
      original: { topic: 'ns.notification-requests', partition: 3, offset: '41' },
      key: 'app-1',
      eventId: 'e-1',
      eventType: 'NotificationRequested',
      value: {
        id: 'e-1',
        type: 'NotificationRequested',
        payload: { to: 'a***@e***.com', recipientName: 'A*** L***' },
      },
      redrivenFrom: null,
    });
  });

  it('shows a poison message as (masked) text', () => {
    const poison = describeDeadLetter('notify', message({ 'x-error': 'not JSON' }, 'call +13035550123'));
    expect(poison).toMatchObject({
      value: 'call +*********23',
      eventId: null,
      eventType: null,
      attempts: null,
    });
  });

  it('redrives the original bytes and key to the original topic, for the failed consumer only', () => {
    const record = redriveRecord('notify', failed, 'ns');
    expect(record).toEqual({
      topic: 'ns.notification-requests',
      key: 'app-1',
      value: failed.value,
      headers: {
        'event-type': 'NotificationRequested',
        'event-version': '1',
        'event-id': 'e-1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'x-replay-target': 'notify',
        'redriven-from': '0/7',
      },
    });
  });

  it('links a dead letter that failed again after a redrive to the one it was redriven from', () => {
    const redriven = redriveRecord('notify', failed, 'ns');
    // The consumer dead-letters it again: x- headers replaced, the others (redriven-from) kept.
    const again = message(
      { ...redriven.headers, 'x-error': 'still broken', 'x-attempts': '8' } as Record<string, string>,
      String(redriven.value),
    );
    expect(describeDeadLetter('notify', { ...again, offset: '9' }).redrivenFrom).toEqual({
      partition: 0,
      offset: '7',
    });
  });

  it('never redrives outside the namespace, to a dead-letter topic, or without an origin', () => {
    expect(() => redriveRecord('notify', failed, 'other')).toThrow(/not a topic of namespace other/);
    const loop = message({ 'x-original-topic': 'ns.dlq.invite' }, '{}');
    expect(() => redriveRecord('notify', loop, 'ns')).toThrow(/not a topic/);
    expect(() => redriveRecord('notify', message({}, '{}'), 'ns')).toThrow(/no x-original-topic/);
  });

  it('knows the consumers', () => {
    expect(requireConsumer('report-sync')).toBe('report-sync');
    expect(() => requireConsumer('nope')).toThrow(/unknown consumer "nope" \(known: ingest, invite/);
  });
});
