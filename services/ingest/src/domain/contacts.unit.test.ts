import { describe, expect, it } from 'vitest';
import { normaliseEmail, normaliseUsPhone, pickMobilePhone } from './contacts.ts';

describe('normaliseEmail', () => {
  it('trims and lower-cases the domain only', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM ')).toEqual({
      ok: true,
      value: 'Ada.Lovelace@example.com',
    });
  });
  it('tells missing from invalid', () => {
    expect(normaliseEmail(undefined)).toEqual({ ok: false, problem: 'missing' });
    expect(normaliseEmail('   ')).toEqual({ ok: false, problem: 'missing' });
    for (const bad of [
      'ada',
      'ada@',
      '@example.com',
      'ada@localhost',
      'ada@@example.com',
      'ada lovelace@example.com',
      'ada@example.',
    ]) {
      expect(normaliseEmail(bad)).toEqual({ ok: false, problem: 'invalid' });
    }
  });
});

describe('normaliseUsPhone', () => {
  it('turns US numbers into E.164', () => {
    expect(normaliseUsPhone('(303) 555-0123')).toEqual({ ok: true, value: '+13035550123' });
    expect(normaliseUsPhone('303.555.0123')).toEqual({ ok: true, value: '+13035550123' });
    expect(normaliseUsPhone('1 303 555 0123')).toEqual({ ok: true, value: '+13035550123' });
    expect(normaliseUsPhone('+1 303-555-0123')).toEqual({ ok: true, value: '+13035550123' });
  });
  it('rejects everything else', () => {
    for (const bad of [
      '555-0123',
      '+44 20 7946 0958',
      '2 303 555 0123',
      '303-555-0123 x12',
      '(103) 555-0123',
      '303-055-0123',
      '+3035550123',
      'call me',
    ]) {
      expect(normaliseUsPhone(bad)).toEqual({ ok: false, problem: 'invalid' });
    }
    expect(normaliseUsPhone('')).toEqual({ ok: false, problem: 'missing' });
  });
});

describe('pickMobilePhone', () => {
  it('prefers the cell number and falls back to the personal one', () => {
    expect(pickMobilePhone('303-555-0100', '303-555-0199')).toEqual({ ok: true, value: '+13035550100' });
    expect(pickMobilePhone(undefined, '303-555-0199')).toEqual({ ok: true, value: '+13035550199' });
    expect(pickMobilePhone('garbage', '303-555-0199')).toEqual({ ok: true, value: '+13035550199' });
    expect(pickMobilePhone('garbage', undefined)).toEqual({ ok: false, problem: 'invalid' });
    expect(pickMobilePhone(undefined, ' ')).toEqual({ ok: false, problem: 'missing' });
  });
});
