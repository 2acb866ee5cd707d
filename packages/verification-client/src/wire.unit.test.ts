import { describe, expect, it } from 'vitest';
import { parseAuth, parseGroup, parseGroupList, parseProblems } from './wire.ts';

const group = {
  id: 'grp_1',
  status: 'not_started',
  correlation_id: 'app-1',
  monthly_rent_cents: 150000,
  applicants: [
    {
      id: 7,
      first_name: 'Ada',
      email: 'ada@example.com',
      verifications: [
        { id: 'ver_1', type: 'income', status: 'pending', link: 'https://verify.example.com/v/ver_1' },
        {
          id: 'ver_2',
          type: 'identity',
          status: 'whatever',
          invitation_url: 'https://verify.example.com/v/ver_2',
        },
      ],
    },
  ],
};

describe('parseGroup', () => {
  it('reads ids of the group, applicants and verifications, links and status', () => {
    const parsed = parseGroup(group);
    expect(parsed).toMatchObject({
      id: 'grp_1',
      status: 'not_started',
      correlationId: 'app-1',
      monthlyRentCents: 150000,
    });
    expect(parsed.applicants[0]).toMatchObject({
      id: '7',
      firstName: 'Ada',
      email: 'ada@example.com',
      phoneNumber: undefined,
    });
    expect(parsed.applicants[0]?.verifications).toEqual([
      { id: 'ver_1', type: 'income', status: 'pending', link: 'https://verify.example.com/v/ver_1' },
      { id: 'ver_2', type: 'identity', status: 'unknown', link: 'https://verify.example.com/v/ver_2' },
    ]);
  });

  it('unwraps {applicant_group} and {data}', () => {
    expect(parseGroup({ applicant_group: group }).id).toBe('grp_1');
    expect(parseGroup({ data: group }).id).toBe('grp_1');
  });

  it('rejects a group without ids or applicants, as a retryable invalid_response', () => {
    expect(() => parseGroup({ applicants: [] })).toThrow(/has no id/);
    expect(() => parseGroup({ id: 'g' })).toThrow(/no applicants array/);
    try {
      parseGroup({ id: 'g', applicants: [{ verifications: [] }] });
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid_response', retryable: true });
    }
  });

  it('reads lists in several shapes', () => {
    expect(parseGroupList([group])).toHaveLength(1);
    expect(parseGroupList({ applicant_groups: [group] })).toHaveLength(1);
    expect(parseGroupList({ data: [] })).toHaveLength(0);
    expect(() => parseGroupList({})).toThrow(/not an array/);
  });
});

describe('parseAuth', () => {
  const now = 1_000_000;
  it('uses expires_in when given', () => {
    expect(parseAuth({ token: 't', expires_in: 1800 }, now, 5)).toEqual({
      token: 't',
      expiresAt: now + 1_800_000,
    });
  });
  it('falls back to the JWT exp claim, then to the default TTL', () => {
    const jwt = `x.${Buffer.from(JSON.stringify({ exp: 2000 })).toString('base64url')}.y`;
    expect(parseAuth({ access_token: jwt }, now, 5).expiresAt).toBe(2_000_000);
    expect(parseAuth({ jwt: 'opaque' }, now, 5).expiresAt).toBe(now + 5);
  });
  it('rejects an answer without a token', () => {
    expect(() => parseAuth({}, now, 5)).toThrow(/no token/);
  });
});

describe('parseProblems', () => {
  it('reads field problems in list and map forms', () => {
    expect(
      parseProblems({ errors: [{ field: 'applicants[1].email', message: 'is invalid' }] }).problems,
    ).toEqual([{ field: 'applicants[1].email', message: 'is invalid' }]);
    expect(parseProblems({ errors: { 'applicants[0].email': ['is invalid'] } }).problems).toEqual([
      { field: 'applicants[0].email', message: 'is invalid' },
    ]);
    expect(parseProblems({ error: { message: 'nope' } }).message).toBe('nope');
  });
});
