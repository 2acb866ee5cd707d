import { describe, expect, it } from 'vitest';
import { type HopRows, hopTimes } from './hops.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe('hopTimes', () => {
  it('reads each hop from the rows: webhook -> stored -> published -> consumed -> next event / provider call', () => {
    const rows: HopRows = {
      webhooks: [{ app: 'demo-pm/42', received: at(0) }],
      outbox: [
        {
          service: 'ingest',
          event_id: 'e1',
          event_type: 'ApplicationSubmitted',
          causation: null,
          app: 'demo-pm/42',
          created: at(300),
          published: at(310),
        },
        {
          service: 'invite',
          event_id: 'e2',
          event_type: 'NotificationRequested',
          causation: 'e1',
          app: null,
          created: at(400),
          published: at(420),
        },
        {
          service: 'invite',
          event_id: 'e3',
          event_type: 'InviteSent',
          causation: 'e1',
          app: null,
          created: at(400),
          published: null,
        },
      ],
      inbox: [
        { service: 'invite', event_id: 'e1', processed: at(330) },
        { service: 'notify', event_id: 'e2', processed: at(450) },
      ],
      notifications: [{ request_event_id: 'e2', sent: at(700) }],
    };
    const ms = (label: string) => hopTimes(rows).get(label)?.ms;
    expect(ms('ingest: webhook received -> ApplicationSubmitted stored')).toEqual([300]);
    expect(ms('ingest: ApplicationSubmitted stored -> published')).toEqual([10]);
    expect(ms('kafka: ApplicationSubmitted published -> consumed by invite')).toEqual([20]);
    expect(ms('invite: ApplicationSubmitted consumed -> NotificationRequested stored')).toEqual([70]);
    expect(ms('kafka: NotificationRequested published -> consumed by notify')).toEqual([30]);
    expect(ms('notify: NotificationRequested consumed -> provider called')).toEqual([250]);
    // Not published yet: no relay or Kafka hop for it.
    expect(ms('invite: InviteSent stored -> published')).toBeUndefined();
    expect(hopTimes(rows).get('kafka: ApplicationSubmitted published -> consumed by invite')?.kind).toBe(
      'kafka',
    );
  });
});
