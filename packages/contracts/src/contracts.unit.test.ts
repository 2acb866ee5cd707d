import { describe, expect, it } from 'vitest';
import { applicantIdFor, applicationIdFor, stableUuid } from './ids.ts';
import { allEvents, allTopics, topicOfEvent } from './topics.ts';
import { parseEvent } from './validate.ts';

const envelopeFor = (type: string, version: number, payload: unknown) => ({
  id: '6c8a0b4e-6f1e-4c5e-9a51-0b0f7d3d8a11',
  type,
  version,
  occurredAt: '2026-11-24T10:00:00.000Z',
  tenantId: 'demo-pm',
  correlationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
  payload,
});

describe('event contracts', () => {
  for (const def of allEvents()) {
    describe(`${def.type} v${def.version}`, () => {
      const valid = () => envelopeFor(def.type, def.version, structuredClone(def.example));

      it('accepts its example', () => {
        const result = parseEvent(valid());
        expect(result.ok ? 'ok' : result.problems).toBe('ok');
      });

      it('rejects a payload missing a required field', () => {
        const event = valid();
        const [required] = (def.payload as { required?: string[] }).required ?? [];
        expect(required).toBeDefined();
        delete (event.payload as Record<string, unknown>)[required as string];
        const result = parseEvent(event);
        expect(result.ok).toBe(false);
      });

      it('rejects unknown payload fields', () => {
        const event = valid();
        (event.payload as Record<string, unknown>).surprise = 1;
        expect(parseEvent(event).ok).toBe(false);
      });

      it('rejects a wrongly typed key field', () => {
        const event = valid();
        (event.payload as Record<string, unknown>)[def.key] = 42;
        expect(parseEvent(event).ok).toBe(false);
      });

      it('rejects a bad envelope', () => {
        expect(parseEvent({ ...valid(), id: 'not-a-uuid' }).ok).toBe(false);
        expect(parseEvent({ ...valid(), tenantId: 'Bad Tenant!' }).ok).toBe(false);
        expect(parseEvent({ ...valid(), occurredAt: 'yesterday' }).ok).toBe(false);
      });
    });
  }

  it('names the problem for unknown types and non-objects', () => {
    expect(parseEvent(envelopeFor('Nope', 1, {}))).toEqual({
      ok: false,
      problems: [{ path: '/type', message: 'unknown event Nope.v1' }],
    });
    expect(parseEvent('text').ok).toBe(false);
    expect(parseEvent(null).ok).toBe(false);
    expect(parseEvent(envelopeFor('ApplicationSubmitted', 99, {})).ok).toBe(false);
  });

  it('lists the failing paths', () => {
    const result = parseEvent(envelopeFor('InviteSent', 1, { applicationId: 'x' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain('/payload/applicationId');
  });
});

describe('topic registry', () => {
  it('puts every event type on exactly one topic', () => {
    const types = allEvents().map((e) => `${e.type}.v${e.version}`);
    expect(new Set(types).size).toBe(types.length);
    for (const def of allEvents()) expect(topicOfEvent(def.type).events).toContain(def);
  });

  it('states partitions and retention for every topic, dead letters included', () => {
    for (const topic of allTopics()) {
      expect(topic.partitions).toBeGreaterThan(0);
      expect(topic.retentionMs).toBeGreaterThan(0);
    }
    expect(allTopics().map((t) => t.name)).toContain('dlq.invite');
    expect(allTopics().map((t) => t.name)).toContain('dlq.support'); // the support console's consumer
  });
});

describe('stable ids', () => {
  it('maps the same Entrata ids to the same uuid, and different ids apart', () => {
    expect(applicationIdFor('demo-pm', '14423')).toBe(applicationIdFor('demo-pm', '14423'));
    expect(applicationIdFor('demo-pm', '14423')).not.toBe(applicationIdFor('other-pm', '14423'));
    expect(applicantIdFor('demo-pm', '1', '501')).not.toBe(applicantIdFor('demo-pm', '1', '502'));
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
