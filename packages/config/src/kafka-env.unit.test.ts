import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, kafkaConnectionFromEnv, kafkaEnv, loadEnv } from './index.ts';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const files: Record<string, string> = {
  '/s/ca.crt': CERT,
  '/s/client.crt': CERT,
  '/s/client.key': KEY,
  '/s/password': 'p4ss\n',
  '/s/empty': '  \n',
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return text;
};

function problemsOf(env: Parameters<typeof kafkaConnectionFromEnv>[0]): string[] {
  try {
    kafkaConnectionFromEnv(env, readFile);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('kafkaConnectionFromEnv', () => {
  it('is plaintext without settings', () => {
    expect(kafkaConnectionFromEnv({}, readFile)).toEqual({});
    expect(kafkaConnectionFromEnv({ KAFKA_SSL: false }, readFile)).toEqual({});
  });

  it('reads TLS with the system CAs, a private CA, mTLS and SCRAM from files', () => {
    expect(kafkaConnectionFromEnv({ KAFKA_SSL: true }, readFile)).toEqual({ ssl: true });
    expect(
      kafkaConnectionFromEnv(
        {
          KAFKA_SSL: true,
          KAFKA_SSL_CA_FILE: '/s/ca.crt',
          KAFKA_SSL_CERT_FILE: '/s/client.crt',
          KAFKA_SSL_KEY_FILE: '/s/client.key',
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_USERNAME: 'ingest',
          KAFKA_SASL_PASSWORD_FILE: '/s/password',
        },
        readFile,
      ),
    ).toEqual({
      ssl: { ca: CERT, cert: CERT, key: KEY },
      sasl: { mechanism: 'scram-sha-512', username: 'ingest', password: 'p4ss' },
    });
  });

  it('lists every problem of a combination at once, without file contents', () => {
    expect(
      problemsOf({
        KAFKA_SSL_CA_FILE: '/s/ca.crt',
        KAFKA_SASL_USERNAME: 'ingest',
      }),
    ).toEqual([
      'KAFKA_SSL_CA_FILE: is set, but KAFKA_SSL is not true',
      'KAFKA_SASL_USERNAME: is set, but KAFKA_SASL_MECHANISM is not',
    ]);
    expect(
      problemsOf({
        KAFKA_SSL: true,
        KAFKA_SSL_CA_FILE: '/s/missing.crt',
        KAFKA_SSL_CERT_FILE: '/s/client.key',
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_PASSWORD_FILE: '/s/empty',
      }),
    ).toEqual([
      'KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: a client certificate needs both (or neither)',
      'KAFKA_SSL_CA_FILE: cannot read /s/missing.crt (ENOENT)',
      'KAFKA_SSL_CERT_FILE: /s/client.key holds no PEM CERTIFICATE',
      'KAFKA_SASL_USERNAME: is required with SASL scram-sha-256',
      'KAFKA_SASL_PASSWORD_FILE: /s/empty is empty',
    ]);
  });

  it('refuses SASL PLAIN outside TLS', () => {
    expect(
      problemsOf({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD_FILE: '/s/password',
      }),
    ).toEqual(['KAFKA_SASL_MECHANISM: plain sends the password in clear; it needs KAFKA_SSL=true']);
  });

  it('loads the variables through loadEnv with clear messages for a wrong mechanism', () => {
    const schema = Type.Object(kafkaEnv);
    expect(loadEnv(schema, { KAFKA_BROKERS: 'k:9093', KAFKA_SSL: 'true' })).toMatchObject({
      KAFKA_SSL: true,
      KAFKA_NAMESPACE: 'autoverify',
    });
    expect(loadEnv(schema, { KAFKA_BROKERS: 'k:9093' }).KAFKA_SSL).toBeUndefined();
    expect(() => loadEnv(schema, { KAFKA_BROKERS: 'k:9093', KAFKA_SASL_MECHANISM: 'SCRAM' })).toThrow(
      /KAFKA_SASL_MECHANISM: must be one of "scram-sha-512", "scram-sha-256", "plain" \(got "SCRAM"\)/,
    );
  });
});
