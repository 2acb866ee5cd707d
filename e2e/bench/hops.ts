/**
 * The invite path hop by hop, from the timestamps the services keep anyway: ingest's stored webhooks,
 * every service's outbox (created_at = stored, published_at = the relay's batch began, before the send) and
 * inbox (processed_at = the consumer's transaction began), the causation ids in the envelopes, and notify's
 * notifications (sent_at = the provider answered). No tracing needed, nothing added to the services.
 */
import pg from 'pg';
import { fixed, summarize, table } from './stats.ts';

export interface HopRows {
  outbox: {
    service: string;
    event_id: string;
    event_type: string;
    causation: string | null;
    app: string | null;
    created: Date;
    published: Date | null;
  }[];
  inbox: { service: string; event_id: string; processed: Date }[];
  webhooks: { app: string; received: Date }[];
  notifications: { request_event_id: string; sent: Date | null }[];
}

async function query<T>(url: string, text: string, since: Date): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, [since])).rows as T[];
  } finally {
    await client.end();
  }
}

/** Reads the rows written since `since` from the stack's service databases. */
export async function readHopRows(databaseUrls: Record<string, string>, since: Date): Promise<HopRows> {
  const rows: HopRows = { outbox: [], inbox: [], webhooks: [], notifications: [] };
  for (const [service, url] of Object.entries(databaseUrls)) {
    if (service === 'support') continue;
    const outbox = await query<Omit<HopRows['outbox'][number], 'service'>>(
      url,
      `SELECT event_id, event_type, envelope->>'causationId' AS causation,
              envelope->>'tenantId' || '/' || (envelope->'payload'->>'entrataApplicationId') AS app,
              created_at AS created, published_at AS published
         FROM outbox WHERE created_at >= $1`,
      since,
    );
    rows.outbox.push(...outbox.map((r) => ({ ...r, service })));
    const inbox = await query<{ event_id: string; processed: Date }>(
      url,
      'SELECT event_id, processed_at AS processed FROM inbox WHERE processed_at >= $1',
      since,
    );
    rows.inbox.push(...inbox.map((r) => ({ ...r, service })));
  }
  if (databaseUrls.ingest)
    rows.webhooks = await query(
      databaseUrls.ingest,
      `SELECT tenant_id || '/' || entrata_application_id AS app, min(received_at) AS received
         FROM entrata_webhooks WHERE received_at >= $1 AND entrata_application_id IS NOT NULL GROUP BY 1`,
      since,
    );
  if (databaseUrls.notify)
    rows.notifications = await query(
      databaseUrls.notify,
      `SELECT request_event_id, sent_at AS sent FROM notifications WHERE created_at >= $1 AND purpose = 'invite'`,
      since,
    );
  return rows;
}

export type HopKind = 'service' | 'relay' | 'kafka';

/** Milliseconds per hop, by label (pure: unit-tested). Kafka hops are labelled "kafka: ...". */
export function hopTimes(rows: HopRows): Map<string, { kind: HopKind; ms: number[] }> {
  const hops = new Map<string, { kind: HopKind; ms: number[] }>();
  const add = (kind: HopKind, label: string, ms: number) => {
    const hop = hops.get(label) ?? { kind, ms: [] };
    hop.ms.push(ms);
    hops.set(label, hop);
  };
  const events = new Map(rows.outbox.map((e) => [e.event_id, e]));
  const consumed = new Map<string, { service: string; processed: Date }[]>();
  for (const row of rows.inbox) consumed.set(row.event_id, [...(consumed.get(row.event_id) ?? []), row]);

  const firstSubmitted = new Map<string, Date>();
  for (const e of rows.outbox)
    if (e.service === 'ingest' && e.event_type === 'ApplicationSubmitted' && e.app) {
      const seen = firstSubmitted.get(e.app);
      if (!seen || e.created < seen) firstSubmitted.set(e.app, e.created);
    }
  for (const w of rows.webhooks) {
    const stored = firstSubmitted.get(w.app);
    if (stored)
      add('service', 'ingest: webhook received -> ApplicationSubmitted stored', +stored - +w.received);
  }
  for (const e of rows.outbox) {
    if (e.published) {
      add('relay', `${e.service}: ${e.event_type} stored -> published`, +e.published - +e.created);
      for (const c of consumed.get(e.event_id) ?? [])
        add(
          'kafka',
          `kafka: ${e.event_type} published -> consumed by ${c.service}`,
          +c.processed - +e.published,
        );
    }
    const cause = e.causation ? events.get(e.causation) : undefined;
    const causeConsumed = cause && consumed.get(cause.event_id)?.find((c) => c.service === e.service);
    if (cause && causeConsumed)
      add(
        'service',
        `${e.service}: ${cause.event_type} consumed -> ${e.event_type} stored`,
        +e.created - +causeConsumed.processed,
      );
  }
  for (const n of rows.notifications) {
    const request = events.get(n.request_event_id);
    const requestConsumed = consumed.get(n.request_event_id)?.find((c) => c.service === 'notify');
    if (request && requestConsumed && n.sent)
      add(
        'service',
        `notify: ${request.event_type} consumed -> provider called`,
        +n.sent - +requestConsumed.processed,
      );
  }
  return hops;
}

/** The hop table; Kafka hops beside the plain kafkajs round trip measured in the same run. */
export function hopTable(hops: ReturnType<typeof hopTimes>, kafkaReferenceMs: number[]): string {
  const ref = summarize(kafkaReferenceMs);
  const rows = [...hops]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, { kind, ms }]) => {
      const s = summarize(ms);
      return [
        label,
        String(s.count),
        fixed(s.p50, 0),
        fixed(s.p95, 0),
        fixed(s.max, 0),
        kind === 'kafka' ? `${fixed(s.p50 / ref.p50, 1)}x` : '',
      ];
    });
  return [
    `plain kafkajs produce -> consume on the same broker, one at a time (acks all): ${ref.count} round trips, ` +
      `p50 ${fixed(ref.p50)} ms, p95 ${fixed(ref.p95)} ms, p99 ${fixed(ref.p99)} ms`,
    table(
      ["hop (timestamps from the services' own rows; ms)", 'count', 'p50', 'p95', 'max', 'p50 x kafkajs'],
      rows,
    ),
  ].join('\n');
}
