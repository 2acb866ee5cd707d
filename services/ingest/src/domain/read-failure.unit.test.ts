import { ApplicationReadFailed } from '@autoverify/contracts';
import { EntrataError } from '@autoverify/entrata-client';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { readFailedPayload, readFailures } from './read-failure.ts';

const entrataError = (init: Partial<ConstructorParameters<typeof EntrataError>[0]>) =>
  new EntrataError({ kind: 'api', code: 304, message: 'Invalid parameters.', retryable: false, ...init });

describe('readFailures', () => {
  it('tells a rejected call, an outage that outlasted the retries and an unreadable answer apart', () => {
    const rejected = readFailures.fromError(
      'acme',
      entrataError({ service: 'leads', method: 'getLeads' }),
      1,
      false,
    );
    expect(rejected).toMatchObject({
      reasonCode: 'entrata_rejected',
      detail: 'leads/getLeads: Entrata api error 304: Invalid parameters.',
    });
    expect(rejected.action).toContain('pnpm support tenant check acme');

    const down = readFailures.fromError(
      'acme',
      entrataError({ kind: 'http', code: 503, retryable: true }),
      11,
      true,
    );
    expect(down.reasonCode).toBe('entrata_unavailable');
    expect(down.detail).toMatch(/^gave up after 11 attempts: /);

    const unreadable = readFailures.fromError(
      'acme',
      entrataError({ kind: 'invalid_response', code: 0, message: 'unexpected result shape' }),
      1,
      false,
    );
    expect(unreadable.reasonCode).toBe('entrata_response_invalid');
    expect(readFailures.fromError('acme', new TypeError('boom'), 1, false)).toMatchObject({
      reasonCode: 'entrata_response_invalid',
      detail: 'unexpected error: boom',
    });
  });

  it('names the application and property that were not found', () => {
    expect(readFailures.notFound('acme', '2000001', '100200')).toMatchObject({
      reasonCode: 'application_not_found',
      detail: 'application 2000001 not found by getLeads in property 100200',
    });
  });

  it('keeps personal data Entrata echoes out of the detail', () => {
    const failed = readFailures.fromError(
      'acme',
      entrataError({ message: 'Invalid email ada@example.com for customer 5000001' }),
      1,
      false,
    );
    expect(failed.detail).not.toContain('ada@example.com');
  });

  it('builds a valid ApplicationReadFailed payload', () => {
    const payload = readFailedPayload(readFailures.noApplicants('5000001: occupants are not applicants'), {
      applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
      entrataApplicationId: '2000001',
      propertyId: '100200',
      source: 'webhook',
      attempts: 1,
    });
    expect(payload.reasonCode).toBe('no_applicants');
    expect(Compile(ApplicationReadFailed.payload).Check(payload)).toBe(true);
  });
});
