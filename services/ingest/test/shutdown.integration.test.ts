import { randomUUID } from 'node:crypto';
import { signEntrataWebhook } from '@autoverify/sandbox';
import { expect, it } from 'vitest';
import { PROPERTY, startHarness, TENANT, WEBHOOK_SECRET } from './helpers.ts';

interface LogLine {
  level: number;
  msg: string;
  component?: string;
  err?: { message?: string };
}

it('stops queuing webhook syncs before its database closes, so no batch in flight is cut off', async () => {
  const lines: LogLine[] = [];
  const h = await startHarness({
    log: { level: 'warn', destination: { write: (line: string) => lines.push(JSON.parse(line)) } },
  });
  const post = async (applicationId: number) => {
    const body = JSON.stringify({
      event: 'application.submitted',
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      propertyId: PROPERTY,
      applicationId,
    });
    const t = Math.floor(Date.now() / 1000);
    const res = await fetch(`${h.url}/webhooks/entrata/${TENANT}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-entrata-signature': signEntrataWebhook(WEBHOOK_SECRET, body, t),
      },
      body,
    });
    expect(res.status).toBe(202);
  };
  // Many at once: the queuer is still working through them (one webhook per transaction) when stop begins.
  await Promise.all(Array.from({ length: 120 }, (_, i) => post(900_000 + i)));
  await h.stop();

  const queuer = lines.filter((l) => l.component === 'webhook-sync-queuer');
  expect(queuer).toEqual([]);
  expect(lines.filter((l) => /transaction/i.test(`${l.msg} ${l.err?.message ?? ''}`))).toEqual([]);
}, 120_000);
