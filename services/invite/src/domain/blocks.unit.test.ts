import { describe, expect, it } from 'vitest';
import { idsUnavailableDetail, rentUnknownDetail } from './blocks.ts';

describe('block details', () => {
  it('say what happened and what to do', () => {
    expect(rentUnknownDetail('100200')).toMatch(
      /property 100200.*Set the rent in Entrata.*monthlyRentCents/s,
    );
    expect(
      idsUnavailableDetail({ kind: 'no_applicants', groupId: 'g1', how: 'the group read answered 404' }),
    ).toMatch(/group g1.*404.*never created twice/s);
    expect(
      idsUnavailableDetail({
        kind: 'ambiguous_create',
        correlationId: 'app-1',
        attemptedAt: new Date('2026-12-01T10:00:00Z'),
      }),
    ).toMatch(/app-1.*2026-12-01T10:00:00.000Z.*not created a second time/s);
    expect(idsUnavailableDetail({ kind: 'no_link', groupId: 'g1', verificationKind: 'identity' })).toMatch(
      /No identity invitation.*no invitation link/,
    );
  });
});
