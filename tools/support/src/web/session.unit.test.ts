import { describe, expect, it } from 'vitest';
import { csrfMatches, SessionStore } from './session.ts';

const caller = { name: 'alice', scopes: new Set(['timeline:read'] as const) };

describe('SessionStore', () => {
  it('gives each session an unguessable id and its own CSRF token', () => {
    const store = new SessionStore();
    const a = store.create(caller);
    const b = store.create(caller);
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(a.id);
    expect(a.id).toMatch(/^[\w-]{43}$/);
    expect(store.get(a.id)?.caller.name).toBe('alice');
    expect(store.get('nope')).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });

  it('ends a session after the idle time, renews it on use, and ends it at the maximum anyway', () => {
    let now = 0;
    const store = new SessionStore({ idleMs: 100, maxMs: 250 }, () => now);
    const s = store.create(caller);
    now = 90;
    expect(store.get(s.id)).toBeDefined();
    now = 180;
    expect(store.get(s.id)).toBeDefined();
    now = 250;
    expect(store.get(s.id)).toBeUndefined();
    const idle = store.create(caller);
    now += 100;
    expect(store.get(idle.id)).toBeUndefined();
  });

  it('forgets a destroyed session', () => {
    const store = new SessionStore();
    const s = store.create(caller);
    store.destroy(s.id);
    expect(store.get(s.id)).toBeUndefined();
  });

  it('accepts only the session’s own CSRF token', () => {
    const store = new SessionStore();
    const s = store.create(caller);
    const other = store.create(caller);
    expect(csrfMatches(s, s.csrf)).toBe(true);
    expect(csrfMatches(s, other.csrf)).toBe(false);
    expect(csrfMatches(s, undefined)).toBe(false);
    expect(csrfMatches(s, '')).toBe(false);
    expect(csrfMatches(s, [s.csrf])).toBe(false);
  });
});
