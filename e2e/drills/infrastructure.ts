/**
 * The shared infrastructure a drill takes down: a Kafka broker of its own (the project's broker on 19092 is
 * shared with everyone's tests, so a drill never stops it) and the PostgreSQL server (shared by everything
 * on the machine: the drill keeps that outage to seconds).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { signEntrataWebhook } from '@autoverify/sandbox';
import { runToCompletion } from '@autoverify/stack';

const repoRoot = join(import.meta.dirname, '..', '..');
const kafkaScript = join(repoRoot, 'infra', 'local-kafka', 'kafka.sh');

export interface OwnKafka {
  readonly brokers: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A broker on its own ports and state folder, started and stopped with the project's kafka.sh. */
export function ownKafka({
  port = 29092,
  controllerPort = 29093,
  stateDir = '/tmp/drill-kafka',
}: {
  port?: number;
  controllerPort?: number;
  stateDir?: string;
} = {}): OwnKafka {
  const env = {
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    AUTOVERIFY_STATE_DIR: stateDir,
  };
  return {
    brokers: `127.0.0.1:${port}`,
    start: async () => {
      await runToCompletion('bash', [kafkaScript, 'start'], repoRoot, env);
    },
    stop: async () => {
      await runToCompletion('bash', [kafkaScript, 'stop'], repoRoot, env);
    },
  };
}

/** The local PostgreSQL cluster (Debian's pg_ctlcluster), e.g. `15 main`. */
export function postgresCluster(): { version: string; stop(): Promise<void>; start(): Promise<void> } {
  const versions = readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v));
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql (pg_ctlcluster is needed)');
  const ctl = (action: string) =>
    runToCompletion('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], repoRoot);
  return {
    version,
    stop: async () => {
      await ctl('stop');
    },
    start: async () => {
      await ctl('start');
    },
  };
}

/**
 * Posts an Entrata `application.submitted` webhook to ingest directly, signed like the sandbox signs it,
 * so a drill can read the answer's status and headers (the sandbox keeps only status codes).
 */
export async function postEntrataWebhook(
  ingestUrl: string,
  tenantId: string,
  secret: string,
  hint: { org: string; propertyId: number; applicationId: number },
): Promise<{ status: number; retryAfter: string | null; body: string }> {
  const body = JSON.stringify({
    event: 'application.submitted',
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    org: hint.org,
    propertyId: String(hint.propertyId),
    applicationId: String(hint.applicationId),
    leadId: String(hint.applicationId),
  });
  const response = await fetch(`${ingestUrl}/webhooks/entrata/${tenantId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-entrata-signature': signEntrataWebhook(secret, body, Math.floor(Date.now() / 1000)),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.text(),
  };
}
