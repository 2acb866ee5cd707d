import { describe, expect, it } from 'vitest';
import { InvalidMigrationNameError, migrationTimestamp, normalizeMigrationName } from './migrations-dir.ts';
import { readableEngineMessage } from './schema-engine.ts';

describe('normalizeMigrationName', () => {
  it.each([
    ['add_reminders', 'add_reminders'],
    ['Add Reminders', 'add_reminders'],
    ['  add-reminder index!  ', 'add_reminder_index'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeMigrationName(input)).toBe(expected);
  });

  it('rejects names without letters or digits, and overlong names', () => {
    expect(() => normalizeMigrationName('---')).toThrow(InvalidMigrationNameError);
    expect(() => normalizeMigrationName('a'.repeat(201))).toThrow(InvalidMigrationNameError);
  });
});

describe('migrationTimestamp', () => {
  it('is UTC YYYYMMDDHHMMSS like Prisma', () => {
    expect(migrationTimestamp(new Date('2026-03-04T05:06:07.890Z'))).toBe('20260304050607');
  });
});

describe('readableEngineMessage', () => {
  it('drops the span trace and names the failed migration', () => {
    const message = [
      'external connector error',
      'Error querying the database: ERROR: division by zero',
      '   0: sql_schema_connector::apply_migration::apply_script',
      '           with migration_name="20991231000000_broken"',
      '             at schema-engine/connectors/sql-schema-connector/src/apply_migration.rs:113',
    ].join('\n');
    expect(readableEngineMessage(message)).toBe(
      'migration 20991231000000_broken failed: Error querying the database: ERROR: division by zero',
    );
  });

  it('leaves messages without a trace as they are', () => {
    expect(readableEngineMessage('Database `x` does not exist\n')).toBe('Database `x` does not exist');
  });
});
