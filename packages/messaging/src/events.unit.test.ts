import { ApplicationSubmitted, InviteSent } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from './errors.ts';
import { buildEvent, causedBy, eventKeyOf, validateEvent } from './events.ts';

const meta = { tenantId: 'acme-homes', correlationId: ApplicationSubmitted.example.applicationId };

describe('buildEvent', () => {
  it('builds a valid envelope with a fresh id and time', () => {
    const event = buildEvent(ApplicationSubmitted, ApplicationSubmitted.example, meta, {
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(event).toMatchObject({
      type: 'ApplicationSubmitted',
      version: 1,
      occurredAt: '2026-01-02T03:04:05.000Z',
      ...meta,
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.payload).toEqual(ApplicationSubmitted.example);
    expect(buildEvent(ApplicationSubmitted, ApplicationSubmitted.example, meta).id).not.toBe(event.id);
  });

  it('throws with every problem for an invalid payload', () => {
    const payload = { ...ApplicationSubmitted.example, applicationId: 'not-a-uuid' };
    try {
      buildEvent(ApplicationSubmitted, payload, meta);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).problems).toContainEqual({
        path: '/payload/applicationId',
        message: 'must match format "uuid"',
      });
      expect((error as Error).message).toMatch(
        /invalid event ApplicationSubmitted\.v1: \/payload\/applicationId must match format "uuid"/,
      );
    }
  });

  it('rejects bad meta (tenant slug, causation id)', () => {
    expect(() => buildEvent(InviteSent, InviteSent.example, { ...meta, tenantId: 'Acme Homes' })).toThrow(
      /\/tenantId/,
    );
    expect(() => buildEvent(InviteSent, InviteSent.example, { ...meta, causationId: 'nope' })).toThrow(
      /\/causationId/,
    );
  });

  it('rejects a definition that is not in the registry', () => {
    const rogue = { ...InviteSent } as typeof InviteSent;
    expect(() => buildEvent(rogue, InviteSent.example, meta)).toThrow(/not the registered definition/);
  });

  it('carries no trace context when no trace is active', () => {
    const event = buildEvent(InviteSent, InviteSent.example, meta);
    expect(event.traceparent).toBeUndefined();
  });
});

describe('causedBy', () => {
  it('keeps tenant and journey and points at the cause', () => {
    const cause = buildEvent(ApplicationSubmitted, ApplicationSubmitted.example, meta);
    const effect = buildEvent(InviteSent, InviteSent.example, causedBy(cause));
    expect(effect).toMatchObject({
      tenantId: meta.tenantId,
      correlationId: meta.correlationId,
      causationId: cause.id,
    });
  });
});

describe('validateEvent / eventKeyOf', () => {
  it('returns the event and its definition', () => {
    const event = buildEvent(InviteSent, InviteSent.example, meta);
    const { definition } = validateEvent(JSON.parse(JSON.stringify(event)));
    expect(definition).toBe(InviteSent);
    expect(eventKeyOf(definition, event.payload)).toBe(InviteSent.example.applicationId);
  });
  it('rejects unknown event types', () => {
    expect(() => validateEvent({ type: 'Nope', version: 1 })).toThrow(/unknown event Nope\.v1/);
  });
});
