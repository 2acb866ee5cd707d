import { describe, expect, it } from 'vitest';
import { deadLetterHeaders, errorText, eventHeaders, stripDeadLetterHeaders } from './headers.ts';
import { parseBrokers } from './kafka.ts';
import { normalizeHeaders } from './kafka-headers.ts';

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event = { id: '6f1c1c3e-4a4b-4c1d-9a35-4f1f2b1a0c11', type: 'InviteSent', version: 1 };

describe('eventHeaders', () => {
  it('names the event and carries the envelope trace context', () => {
    expect(eventHeaders({ ...event, traceparent, tracestate: 'a=b' })).toEqual({
      'event-type': 'InviteSent',
      'event-version': '1',
      'event-id': event.id,
      traceparent,
      tracestate: 'a=b',
    });
  });

  it('prefers the producer span context, without mixing in the envelope tracestate', () => {
    const producer = '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01';
    expect(eventHeaders({ ...event, traceparent, tracestate: 'a=b' }, { traceparent: producer })).toEqual({
      'event-type': 'InviteSent',
      'event-version': '1',
      'event-id': event.id,
      traceparent: producer,
    });
  });

  it('omits trace headers when there is no trace', () => {
    expect(Object.keys(eventHeaders(event))).toEqual(['event-type', 'event-version', 'event-id']);
  });
});

describe('deadLetterHeaders', () => {
  const info = {
    error: 'Error: boom',
    attempts: 3,
    topic: 'ns.invites',
    partition: 2,
    offset: '41',
    consumer: 'reminder',
    failedAt: new Date('2026-01-02T03:04:05Z'),
  };

  it('keeps the original headers and adds where and why it failed', () => {
    expect(deadLetterHeaders({ ...eventHeaders(event), traceparent }, info)).toEqual({
      ...eventHeaders(event),
      traceparent,
      'x-error': 'Error: boom',
      'x-attempts': '3',
      'x-original-topic': 'ns.invites',
      'x-original-partition': '2',
      'x-original-offset': '41',
      'x-consumer': 'reminder',
      'x-failed-at': '2026-01-02T03:04:05.000Z',
    });
  });

  it('replaces the failure headers of an earlier dead-lettering (a redriven message that failed again)', () => {
    const first = deadLetterHeaders(eventHeaders(event), info);
    const second = deadLetterHeaders(first, { ...info, error: 'again', attempts: 1 });
    expect(second['x-error']).toBe('again');
    expect(second['x-attempts']).toBe('1');
  });

  it('truncates very long errors', () => {
    const headers = deadLetterHeaders({}, { ...info, error: 'x'.repeat(10_000) });
    expect(headers['x-error']?.length).toBe(2000);
  });

  it('strips to the original headers for a redrive', () => {
    expect(stripDeadLetterHeaders(deadLetterHeaders(eventHeaders(event), info))).toEqual(eventHeaders(event));
  });
});

describe('errorText', () => {
  it('names the error class', () => {
    expect(errorText(new TypeError('bad'))).toBe('TypeError: bad');
    expect(errorText('plain')).toBe('plain');
  });
});

describe('normalizeHeaders', () => {
  it('turns buffers and arrays into single strings', () => {
    expect(
      normalizeHeaders({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), '2'], d: undefined }),
    ).toEqual({ a: 'x', b: 'y', c: '2' });
    expect(normalizeHeaders(undefined)).toEqual({});
  });
});

describe('parseBrokers', () => {
  it('splits a comma separated list', () => {
    expect(parseBrokers(' 127.0.0.1:19092, kafka-1:9092 ')).toEqual(['127.0.0.1:19092', 'kafka-1:9092']);
  });
  it('rejects empty lists and addresses without a port', () => {
    expect(() => parseBrokers('')).toThrow(/no Kafka brokers/);
    expect(() => parseBrokers('localhost')).toThrow(/invalid Kafka broker address "localhost"/);
  });
});
