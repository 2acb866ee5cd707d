import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, commonEnv, loadEnv } from './index.ts';

const schema = Type.Object({
  ...commonEnv,
  FEATURE_ON: Type.Boolean({ default: false }),
  RATE: Type.Optional(Type.Number({ minimum: 0 })),
  PORTS: Type.Optional(Type.Array(Type.Integer())),
  API_KEY: Type.String({ minLength: 20 }),
  CLIENT_SECRET: Type.Optional(Type.String({ minLength: 20 })),
});

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/autoverify_ingest',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093',
  PORT: '3001',
  TENANTS_FILE: 'config/tenants.json',
  API_KEY: 'k'.repeat(20),
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadEnv(schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnv', () => {
  it('coerces numbers, booleans and comma separated arrays and applies defaults', () => {
    const config = loadEnv(schema, {
      ...valid,
      FEATURE_ON: 'yes',
      RATE: '2.5',
      PORTS: '1, 2,3',
      UNRELATED: 'x',
    });
    expect(config).toEqual({
      ...valid,
      KAFKA_BROKERS: ['127.0.0.1:19092', '127.0.0.1:19093'],
      PORT: 3001,
      KAFKA_NAMESPACE: 'autoverify',
      LOG_LEVEL: 'info',
      RETENTION_DAYS: 90,
      SERVICE_ROLE: 'all',
      FEATURE_ON: true,
      RATE: 2.5,
      PORTS: [1, 2, 3],
    });
  });

  it('treats empty values as unset so defaults still apply', () => {
    expect(loadEnv(schema, { ...valid, LOG_LEVEL: '', FEATURE_ON: ' ' })).toMatchObject({
      LOG_LEVEL: 'info',
      FEATURE_ON: false,
    });
  });

  it('lists every problem with the variable name and the value it got', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://app:hunter2@db/app',
      KAFKA_BROKERS: '127.0.0.1:19092,broker-without-port',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      FEATURE_ON: 'maybe',
      RATE: '-1',
      API_KEY: 'k'.repeat(20),
    });
    expect(problems).toEqual([
      'TENANTS_FILE: is required (not set)',
      'DATABASE_URL: must be a postgres:// URL (got "mysql://app:***@db/app")',
      'KAFKA_BROKERS[1]: must be host:port (got "127.0.0.1:19092,broker-without-port")',
      'PORT: must be an integer (got "eighty")',
      'LOG_LEVEL: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "loud")',
      'FEATURE_ON: must be a boolean (got "maybe")',
      'RATE: must be >= 0 (got "-1")',
    ]);
  });

  it('never echoes the value of a secret-looking variable or a password in a URL', () => {
    let message = '';
    try {
      loadEnv(schema, {
        ...valid,
        API_KEY: 'short-key-value',
        CLIENT_SECRET: 'tiny-secret',
        DATABASE_URL: 'mysql://u:pa55word@h/db',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('API_KEY: must be at least 20 character(s) long (got "***")');
    expect(message).toContain('CLIENT_SECRET:');
    expect(message).not.toMatch(/short-key-value|tiny-secret|pa55word/);
  });

  it('puts every problem on its own line in the message', () => {
    expect(() => loadEnv(schema, {})).toThrow(
      'Invalid environment configuration:\n  - DATABASE_URL: is required (not set)\n  - KAFKA_BROKERS: is required (not set)\n' +
        '  - PORT: is required (not set)\n  - TENANTS_FILE: is required (not set)\n  - API_KEY: is required (not set)',
    );
  });
});
