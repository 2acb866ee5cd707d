import { describe, expect, it } from 'vitest';
import { bearerAuth, checkBearer } from './bearer.ts';

const CURRENT = 'current-token-0123456789';
const PREVIOUS = 'previous-token-0123456789';

describe('checkBearer', () => {
  it('accepts the token as a bearer credential, the scheme in any case', () => {
    expect(checkBearer(`Bearer ${CURRENT}`, [CURRENT])).toBe('ok');
    expect(checkBearer(`bearer ${CURRENT}  `, [CURRENT])).toBe('ok');
  });

  it('accepts either of two tokens while one replaces the other', () => {
    expect(checkBearer(`Bearer ${CURRENT}`, [CURRENT, PREVIOUS])).toBe('ok');
    expect(checkBearer(`Bearer ${PREVIOUS}`, [CURRENT, PREVIOUS])).toBe('ok');
    expect(checkBearer(`Bearer ${PREVIOUS}`, [CURRENT])).toBe('invalid');
  });

  it('tells a missing credential from a wrong one', () => {
    expect(checkBearer(undefined, [CURRENT])).toBe('missing');
    expect(checkBearer('', [CURRENT])).toBe('missing');
    expect(checkBearer(`Basic ${CURRENT}`, [CURRENT])).toBe('missing');
    expect(checkBearer('Bearer ', [CURRENT])).toBe('missing');
    expect(checkBearer(`Bearer ${CURRENT}x`, [CURRENT])).toBe('invalid');
    expect(checkBearer(`Bearer ${CURRENT.slice(0, -1)}`, [CURRENT])).toBe('invalid');
  });
});

describe('bearerAuth', () => {
  it('needs one token, or two while rotating; empty values are not tokens', () => {
    expect(() => bearerAuth({ tokens: [], realm: 'x' })).toThrow(/got 0/);
    expect(() => bearerAuth({ tokens: ['', undefined], realm: 'x' })).toThrow(/got 0/);
    expect(() => bearerAuth({ tokens: ['a', 'b', 'c'], realm: 'x' })).toThrow(/got 3/);
    expect(() => bearerAuth({ tokens: [CURRENT, undefined], realm: 'x' })).not.toThrow();
  });
});
