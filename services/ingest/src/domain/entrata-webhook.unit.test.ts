import { describe, expect, it } from 'vitest';
import { parseEntrataWebhook } from './entrata-webhook.ts';

describe('parseEntrataWebhook', () => {
  it('accepts ids as strings or numbers and keeps extra fields out of the hint', () => {
    expect(
      parseEntrataWebhook({
        event: 'application.submitted',
        eventId: 'e1',
        occurredAt: '2026-11-24T15:04:05Z',
        propertyId: 100200,
        applicationId: '2000001',
        leadId: 3000001,
        org: 'acme',
      }),
    ).toEqual({
      ok: true,
      hint: {
        event: 'application.submitted',
        eventId: 'e1',
        occurredAt: '2026-11-24T15:04:05Z',
        propertyId: '100200',
        entrataApplicationId: '2000001',
        leadId: '3000001',
      },
    });
  });
  it('lists the fields that are wrong', () => {
    const out = parseEntrataWebhook({
      event: 'application.submitted',
      occurredAt: 'yesterday',
      propertyId: 1,
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const text = JSON.stringify(out.errors);
    expect(text).toContain('eventId');
    expect(text).toContain('applicationId');
    expect(text).toContain('/occurredAt');
  });
});
