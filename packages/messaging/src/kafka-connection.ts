import type { KafkaConfig } from 'kafkajs';

/** TLS to the brokers. PEM texts, not paths: whoever reads the secret files validates them first. */
export interface KafkaTls {
  /** CA certificate(s) the brokers' certificates must chain to; unset = the system's trusted CAs. */
  ca?: string;
  /** Client certificate and key, for brokers that authenticate clients by TLS (mTLS). */
  cert?: string;
  key?: string;
}

export type KafkaSaslMechanism = 'scram-sha-256' | 'scram-sha-512' | 'plain';

export interface KafkaSasl {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

/** How to reach the brokers securely; both parts are optional (plaintext without either). */
export interface KafkaConnectionSecurity {
  /** true: TLS with the system's CAs; an object: TLS with these certificates. */
  ssl?: boolean | KafkaTls;
  sasl?: KafkaSasl;
}

/** The security part of kafkajs' configuration. Certificates are always verified (rejectUnauthorized). */
export function kafkajsSecurity(security: KafkaConnectionSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const config: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.ssl === true) config.ssl = { rejectUnauthorized: true };
  else if (security.ssl) {
    const { ca, cert, key } = security.ssl;
    config.ssl = {
      rejectUnauthorized: true,
      ...(ca ? { ca: [ca] } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
    };
  }
  if (security.sasl) {
    // kafkajs types each mechanism as its own union member; the fields are the same for these three.
    const { mechanism, username, password } = security.sasl;
    if (mechanism === 'plain') config.sasl = { mechanism, username, password };
    else if (mechanism === 'scram-sha-256') config.sasl = { mechanism, username, password };
    else config.sasl = { mechanism, username, password };
  }
  return config;
}
