import { describe, expect, it } from 'vitest';
import { EventSealError } from './event-crypto.ts';
import { isRowError, UnpublishableRowError } from './outbox-failed.ts';

describe('isRowError', () => {
  it('is true for errors of the record itself, also when wrapped', () => {
    expect(
      isRowError(Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE', retriable: false })),
    ).toBe(true);
    expect(isRowError({ type: 'RECORD_LIST_TOO_LARGE' })).toBe(true);
    expect(isRowError(new Error('wrapped', { cause: { type: 'INVALID_RECORD' } }))).toBe(true);
    expect(
      isRowError({ name: 'KafkaJSNonRetriableError', originalError: { type: 'MESSAGE_TOO_LARGE' } }),
    ).toBe(true);
    expect(isRowError(new UnpublishableRowError('no envelope'))).toBe(true);
    expect(isRowError(new EventSealError('cannot seal: no key for tenant "zeta" in the keyring'))).toBe(true);
  });

  it('is false for outages and broker state, so an outage never sets rows aside', () => {
    for (const error of [
      Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }),
      { type: 'NOT_LEADER_FOR_PARTITION', retriable: true },
      { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true },
      { type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false },
      { type: 'REQUEST_TIMED_OUT', retriable: true },
      new Error('Request Produce(key: 0) timed out'),
      undefined,
    ])
      expect(isRowError(error)).toBe(false);
  });
});
