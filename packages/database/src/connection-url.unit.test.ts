import { describe, expect, it } from 'vitest';
import {
  DatabaseUrlError,
  databaseNameOf,
  parseDatabaseUrl,
  quoteIdentifier,
  withDatabase,
} from './connection-url.ts';

describe('parseDatabaseUrl', () => {
  it('accepts postgresql:// and postgres:// URLs naming a database', () => {
    expect(databaseNameOf(parseDatabaseUrl('postgresql://u:p@db:5432/app?sslmode=require'))).toBe('app');
    expect(databaseNameOf(parseDatabaseUrl('postgres://u@db/my%20db'))).toBe('my db');
  });

  it.each([
    [undefined, 'DATABASE_URL is not set'],
    ['  ', 'DATABASE_URL is not set'],
    ['not a url', 'DATABASE_URL is not a valid URL'],
    ['mysql://u@db/app', 'must start with postgresql://'],
    ['postgresql://u@db', 'names no database'],
    ['postgresql://u@db/', 'names no database'],
    [`postgresql://u@db/${'x'.repeat(64)}`, "longer than PostgreSQL's 63-byte limit"],
  ])('rejects %j with a message that never echoes the URL', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  it('does not leak a password into the message', () => {
    expect(() => parseDatabaseUrl('mysql://u:secret@db/app')).not.toThrow(/secret/);
  });
});

describe('withDatabase', () => {
  it('keeps server, credentials and options, replaces the database', () => {
    expect(withDatabase('postgresql://u:p@db:5433/app?sslmode=require', 'postgres')).toBe(
      'postgresql://u:p@db:5433/postgres?sslmode=require',
    );
  });
});

describe('quoteIdentifier', () => {
  it('doubles embedded quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
