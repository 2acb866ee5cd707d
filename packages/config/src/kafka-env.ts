import { readFileSync } from 'node:fs';
import Type from 'typebox';
import { ConfigError } from './errors.ts';
import { type EventKeyring, parseKeyring } from './keyring.ts';

/**
 * How to reach Kafka: brokers, namespace, TLS and SASL. Secrets come from files (mounted Secrets), never
 * from the environment itself, so they do not show up in `env` dumps and can be rotated by replacing the
 * file and restarting. Spread into a schema; kafkaConnectionFromEnv then checks how the settings combine.
 */
export const kafkaEnv = {
  KAFKA_BROKERS: Type.Array(
    Type.String({ pattern: '^[^\\s:]+:[0-9]+$', errorMessage: 'must be host:port' }),
    { minItems: 1, description: 'host:port,host:port' },
  ),
  KAFKA_NAMESPACE: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$', default: 'autoverify' }),
  // Optional rather than default false: code that builds a service's env by hand (tests) need not name it.
  KAFKA_SSL: Type.Optional(Type.Boolean({ description: 'TLS to the brokers (certificates are verified).' })),
  KAFKA_SSL_CA_FILE: Type.Optional(
    Type.String({ minLength: 1, description: "PEM file of the CA that signed the brokers' certificates." }),
  ),
  KAFKA_SSL_CERT_FILE: Type.Optional(
    Type.String({ minLength: 1, description: 'PEM client certificate (mTLS); needs KAFKA_SSL_KEY_FILE.' }),
  ),
  KAFKA_SSL_KEY_FILE: Type.Optional(
    Type.String({ minLength: 1, description: 'PEM private key of the client certificate (mTLS).' }),
  ),
  KAFKA_SASL_MECHANISM: Type.Optional(
    Type.Union([Type.Literal('scram-sha-512'), Type.Literal('scram-sha-256'), Type.Literal('plain')], {
      description: 'SASL mechanism; needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE.',
    }),
  ),
  KAFKA_SASL_USERNAME: Type.Optional(Type.String({ minLength: 1 })),
  KAFKA_SASL_PASSWORD_FILE: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'File holding the SASL password (a trailing newline is ignored).',
    }),
  ),
  EVENT_KEYRING_FILE: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'JSON keyring sealing every event (per-tenant AES-256-GCM keys; docs/security.md).',
    }),
  ),
};

export interface KafkaConnectionEnv {
  KAFKA_SSL?: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD_FILE?: string;
  EVENT_KEYRING_FILE?: string;
}

/** The shape @autoverify/messaging's createKafka takes (KafkaConnectionSecurity), with the files read. */
export interface KafkaConnection {
  ssl?: boolean | { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
  /** Seals events on publish, opens and checks them on consume (EVENT_KEYRING_FILE). */
  keyring?: EventKeyring;
}

/**
 * Checks how the Kafka security settings combine and reads their files. Throws a ConfigError listing every
 * problem (file contents are never echoed).
 */
export function kafkaConnectionFromEnv(
  env: KafkaConnectionEnv,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): KafkaConnection {
  const problems: string[] = [];
  const read = (name: keyof KafkaConnectionEnv, check?: (text: string) => string | undefined) => {
    const path = env[name];
    if (typeof path !== 'string') return undefined;
    let text: string;
    try {
      text = readFile(path);
    } catch (error) {
      problems.push(
        `${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
      return undefined;
    }
    const problem = text.trim() === '' ? 'is empty' : check?.(text);
    if (problem) problems.push(`${name}: ${path} ${problem}`);
    return problem ? undefined : text;
  };
  const pem = (kind: string) => (text: string) =>
    new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text) ? undefined : `holds no PEM ${kind}`;

  const connection: KafkaConnection = {};
  const tlsFiles = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).filter(
    (name) => env[name] !== undefined,
  );
  if (!env.KAFKA_SSL) {
    for (const name of tlsFiles) problems.push(`${name}: is set, but KAFKA_SSL is not true`);
  } else {
    if ((env.KAFKA_SSL_CERT_FILE === undefined) !== (env.KAFKA_SSL_KEY_FILE === undefined))
      problems.push('KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: a client certificate needs both (or neither)');
    const ca = read('KAFKA_SSL_CA_FILE', pem('CERTIFICATE'));
    const cert = read('KAFKA_SSL_CERT_FILE', pem('CERTIFICATE'));
    const key = read('KAFKA_SSL_KEY_FILE', pem('PRIVATE KEY'));
    connection.ssl =
      tlsFiles.length === 0
        ? true
        : { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }

  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism === undefined) {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD_FILE'] as const)
      if (env[name] !== undefined) problems.push(`${name}: is set, but KAFKA_SASL_MECHANISM is not`);
  } else {
    if (!env.KAFKA_SASL_USERNAME) problems.push(`KAFKA_SASL_USERNAME: is required with SASL ${mechanism}`);
    if (!env.KAFKA_SASL_PASSWORD_FILE)
      problems.push(`KAFKA_SASL_PASSWORD_FILE: is required with SASL ${mechanism}`);
    // PLAIN sends the password itself: only inside TLS.
    if (mechanism === 'plain' && !env.KAFKA_SSL)
      problems.push('KAFKA_SASL_MECHANISM: plain sends the password in clear; it needs KAFKA_SSL=true');
    const password = read('KAFKA_SASL_PASSWORD_FILE')?.replace(/\r?\n$/, '');
    if (env.KAFKA_SASL_USERNAME && password !== undefined)
      connection.sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password };
  }
  let keyring: EventKeyring | undefined;
  read('EVENT_KEYRING_FILE', (text) => {
    const parsed = parseKeyring(text);
    keyring = parsed.keyring;
    return parsed.problems.length > 0 ? parsed.problems.join('; ') : undefined;
  });
  if (keyring) connection.keyring = keyring;
  if (problems.length > 0) throw new ConfigError('Invalid Kafka connection configuration', problems);
  return connection;
}
