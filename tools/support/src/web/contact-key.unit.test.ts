import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contactKey, normaliseContact } from './contact-key.ts';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('contact key', () => {
  it('pads give the same HMAC the way PostgreSQL computes it: sha256(opad || sha256(ipad || m))', () => {
    const key = contactKey();
    const m = Buffer.from('ada@example.com', 'utf8');
    expect(sha256(key.opad, sha256(key.ipad, m)).equals(key.hash('ada@example.com'))).toBe(true);
    expect(key.hash('ada@example.com').equals(contactKey().hash('ada@example.com'))).toBe(false);
  });

  it('normalises emails and phone numbers the way ingest stores them', () => {
    expect(normaliseContact('  Ada@Example.COM ')).toEqual({ kind: 'email', value: 'ada@example.com' });
    expect(normaliseContact('+1 (303) 555-0123')).toEqual({ kind: 'phone', value: '+13035550123' });
    expect(normaliseContact('303-555-0123')).toEqual({ kind: 'phone', value: '+13035550123' });
    expect(normaliseContact('13035550123')).toEqual({ kind: 'phone', value: '+13035550123' });
    expect(normaliseContact('+44 20 7946 0958')).toEqual({ kind: 'phone', value: '+442079460958' });
    expect(normaliseContact('hello')).toBeNull();
    expect(normaliseContact('a@b c')).toBeNull();
  });
});
