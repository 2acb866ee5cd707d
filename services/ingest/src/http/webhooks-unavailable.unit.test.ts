import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTenants } from '@autoverify/config';
import { createLogger } from '@autoverify/logger';
import { createHttpServer, type Database, type Jobs, systemClock } from '@autoverify/service-kit';
import { describe, expect, it } from 'vitest';
import type { IngestEnv } from '../config.ts';
import type { Tx } from '../db.ts';
import { defineProcessPlatformWebhook } from '../jobs.ts';
import { entrataWebhookRoutes } from './entrata-webhook.ts';
import { platformWebhookRoutes } from './platform-webhook.ts';

// The database is down: every query and every transaction fails. Nothing may be acknowledged.
const refused = async () => {
  throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
};
const down: Database<Tx> = {
  client: new Proxy({}, { get: () => refused }) as Tx,
  run: refused,
  sql: refused,
  transaction: refused,
  changeWithEvents: refused,
};
const jobs: Jobs<Tx> = {
  send: async () => null,
  sendMany: async () => undefined,
  cancel: async () => undefined,
};
const logger = createLogger({ service: 'test', level: 'silent' });

function tenants() {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-unit-'));
  const file = join(dir, 'tenants.json');
  const defaults = {
    identityVerification: false,
    channels: { email: true, sms: true },
    reminders: { firstAfterHours: 24, intervalHours: 24, maxCount: 3 },
    inviteExpiryDays: 14,
    timeZone: 'America/Denver',
    state: 'CO',
    entrataFileTypes: { income: '1', identity: '2' },
    sender: { brandName: 'A', emailFrom: 'a@example.com', emailFromName: 'A', smsFrom: '+13035550199' },
  };
  writeFileSync(
    file,
    JSON.stringify({
      tenants: [
        {
          id: 'acme',
          name: 'Acme',
          entrata: {
            baseUrl: 'http://127.0.0.1:9/v1',
            auth: { type: 'apikey', apiKey: { env: 'K' } },
            propertyIds: ['1'],
            requestsPerMinute: 60,
          },
          webhook: { auth: 'basic', username: 'entrata', passwords: [{ env: 'P1' }] },
          reconciliation: { intervalMinutes: 5, lookbackDays: 1 },
          defaults,
          properties: {},
        },
      ],
    }),
  );
  return loadTenants(file, { K: 'k', P1: 'pw' });
}

async function server() {
  const app = createHttpServer({ logger });
  const env = { PLATFORM_WEBHOOK_SECRET: 'platform-secret-0123456789', PLATFORM_MAPPING_RETRIES: 1 };
  const base = { db: down, jobs, clock: systemClock, logger };
  await app.register(async (scope) => entrataWebhookRoutes(scope, { ...base, tenants: tenants() }));
  await app.register(async (scope) =>
    platformWebhookRoutes(scope, {
      ...base,
      env: env as IngestEnv,
      processPlatformWebhook: defineProcessPlatformWebhook(env),
    }),
  );
  return app;
}

describe('webhooks while the database is down', () => {
  it('answers 503 with Retry-After for an authenticated Entrata webhook', async () => {
    const app = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/entrata/acme',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('entrata:pw').toString('base64')}`,
      },
      payload: JSON.stringify({
        event: 'application.submitted',
        eventId: 'e1',
        occurredAt: '2026-11-24T15:04:05Z',
        propertyId: 1,
        applicationId: 2,
      }),
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.headers['content-type']).toContain('application/problem+json');
    await app.close();
  });

  it('checks Basic credentials before anything else', async () => {
    const app = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/entrata/acme',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('entrata:wrong').toString('base64')}`,
      },
      payload: '{}',
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Basic');
    await app.close();
  });

  it('answers 503 for a signed platform webhook', async () => {
    const app = await server();
    const body = JSON.stringify({ code: 'VERIFICATION_STARTED', data: { verification_id: 'v1' } });
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/verification-platform',
      headers: {
        'content-type': 'application/json',
        'verification-signature': createHmac('sha256', 'platform-secret-0123456789')
          .update(body)
          .digest('hex'),
      },
      payload: body,
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    await app.close();
  });
});
