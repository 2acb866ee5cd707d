import { describe, expect, it } from 'vitest';
import { parseCommand } from '../program.ts';

const app = '0b6c1b7e-8f1c-4d0e-9a8e-3f1f0e2a4b5c';
const applicant = '5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';

describe('support CLI: erase, erasures', () => {
  it('erase needs both ids, the tenant and a reason', () => {
    expect(
      parseCommand(['erase', app, applicant.toUpperCase(), '--tenant', 'acme-pm', '--reason', 'DSR-12']),
    ).toEqual({
      name: 'erase',
      tenantId: 'acme-pm',
      applicationId: app,
      applicantId: applicant,
      reason: 'DSR-12',
      json: false,
    });
    expect(() => parseCommand(['erase', app, applicant, '--reason', 'DSR-12'])).toThrow(
      'erase: --tenant <tenantId> is required',
    );
    expect(() => parseCommand(['erase', app, applicant, '--tenant', 'acme-pm'])).toThrow(
      'erase: --reason "<why>" is required (it is recorded)',
    );
    expect(() => parseCommand(['erase', '14423', applicant, '--tenant', 'a', '--reason', 'DSR-1'])).toThrow(
      'erase: applicationId must be our id, a uuid (got "14423")',
    );
    expect(() => parseCommand(['erase', app])).toThrow("erase: missing required argument 'applicantId'");
  });

  it('erasures takes the request id', () => {
    expect(parseCommand(['erasures', app, '--json'])).toEqual({
      name: 'erasures',
      requestId: app,
      json: true,
    });
    expect(() => parseCommand(['erasures', 'nope'])).toThrow('erasures: requestId must be our id, a uuid');
  });
});
