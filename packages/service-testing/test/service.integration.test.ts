import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InviteSent, topics } from '@autoverify/contracts';
import { testTenant, testTenantsFile } from '@autoverify/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startServiceUnderTest } from '../src/index.ts';

const FIXTURE_SERVICE = join(import.meta.dirname, '..', '..', 'database', 'test', 'fixtures', 'basic');

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function topicsOf(brokers: string[], namespace: string): Promise<string[]> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
  } finally {
    await admin.disconnect();
  }
}

describe('startServiceUnderTest', { timeout: 60_000 }, () => {
  it('starts the service on a migrated database, a Kafka namespace and a tenants file, and takes it all down in reverse', async () => {
    const order: string[] = [];
    const h = await startServiceUnderTest({
      serviceDir: FIXTURE_SERVICE,
      topics: [topics.invites],
      tenants: testTenantsFile(testTenant('acme', { properties: { '9': { name: 'Nine' } } })),
      secrets: { ACME_WEBHOOK_SECRET: 'given' },
      async start({ env, tenants, tenantsPath, onStop }) {
        onStop('first', () => {
          order.push('first');
        });
        onStop('second', () => {
          order.push('second');
        });
        return {
          env,
          tenantsPath,
          property: tenants.property('acme', '9'),
          secret: tenants.secret({ env: 'ACME_WEBHOOK_SECRET' }),
        };
      },
    });
    const { database, testKafka } = h;
    try {
      expect(h.service.env).toMatchObject({
        DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafka.brokers.join(','),
        KAFKA_NAMESPACE: testKafka.namespace,
        PORT: '0',
        HOST: '127.0.0.1',
        TENANTS_FILE: h.tenantsPath,
      });
      expect(h.service.property).toMatchObject({ name: 'Nine', timeZone: 'America/Denver' });
      expect(h.service.secret).toBe('given');
      expect(() => h.sandbox).toThrow('no sandbox in this test: pass `sandbox: true`');

      const meta = { tenantId: 'acme', correlationId: InviteSent.example.applicationId };
      const sent = await h.publish(InviteSent, InviteSent.example, meta);
      await h.publishEnvelope({ ...sent, id: crypto.randomUUID() });
      const read = await h.events(topics.invites, 'InviteSent');
      expect(read.map((e) => e.payload.applicationId)).toEqual([meta.correlationId, meta.correlationId]);
      expect(read[0]?.id).toBe(sent.id);
      expect(await h.events(topics.invites, 'InviteExpired')).toEqual([]);
    } finally {
      await h.stop();
    }
    expect(order).toEqual(['second', 'first']);
    expect(await databaseExists(database.name)).toBe(false);
    expect(await topicsOf(testKafka.brokers, testKafka.namespace)).toEqual([]);
    expect(existsSync(h.tenantsPath)).toBe(false);
    await h.stop(); // a second call is harmless
  });

  it('stops what had started when the service fails to start, and runs every stop even when some fail', async () => {
    let databaseName = '';
    let ran = false;
    const failing = startServiceUnderTest({
      serviceDir: FIXTURE_SERVICE,
      topics: [],
      async start({ database, onStop }) {
        databaseName = database.name;
        onStop('fails', () => {
          throw new Error('cannot stop');
        });
        onStop('runs anyway', () => {
          ran = true;
        });
        throw new Error('service refused to start');
      },
    });
    await expect(failing).rejects.toThrow('service refused to start');
    expect(ran).toBe(true);
    expect(await databaseExists(databaseName)).toBe(false);

    const h = await startServiceUnderTest({
      serviceDir: FIXTURE_SERVICE,
      topics: [],
      start: async ({ onStop }) => {
        onStop('a', () => Promise.reject(new Error('a broke')));
        onStop('b', () => Promise.reject(new Error('b broke')));
      },
    });
    await expect(h.stop()).rejects.toThrow('stopping b failed: b broke; stopping a failed: a broke');
    expect(await databaseExists(h.database.name)).toBe(false);
    expect(() => h.tenantsPath).toThrow('no tenants in this test');
  });
});
