import { describe, expect, it } from 'vitest';
import { normaliseAddress, senderScope, tenantScope } from './address.ts';

describe('normaliseAddress', () => {
  it('lower-cases and trims email addresses', () => {
    expect(normaliseAddress('email', '  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });

  it('reduces phone numbers to E.164 digits', () => {
    expect(normaliseAddress('sms', '+1 (303) 555-0123')).toBe('+13035550123');
    expect(normaliseAddress('sms', '+13035550123')).toBe('+13035550123');
  });
});

describe('scopes', () => {
  it('names tenant and sender scopes distinctly', () => {
    expect(tenantScope('acme')).toBe('tenant:acme');
    expect(senderScope('+1 303 555 0100')).toBe('sender:+13035550100');
  });
});
