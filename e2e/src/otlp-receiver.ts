/**
 * A trace collector of our own for the e2e run: it accepts what the services' OTLP/HTTP exporters send
 * (POST /v1/traces, OTLP JSON: @opentelemetry/exporter-trace-otlp-http encodes JSON) and keeps the spans in
 * memory. Tests read them back with GET /spans, filtered by trace id or by span attributes.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One received span, flattened: the service that sent it and its attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type KeyValue = { key: string; value?: AnyValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: KeyValue[];
  links?: { traceId: string; spanId: string }[];
}
interface ExportTraceServiceRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const plain = (value: AnyValue | undefined): string | number | boolean =>
  value?.stringValue ?? value?.boolValue ?? value?.doubleValue ?? Number(value?.intValue ?? Number.NaN);

const attributesOf = (list: KeyValue[] | undefined) =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, plain(kv.value)]));

/** The spans of one OTLP export request (JSON encoding: ids as hex strings). */
export function spansOf(request: ExportTraceServiceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
        name: span.name,
        kind: span.kind ?? 0,
        service,
        attributes: attributesOf(span.attributes),
        links: (span.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
      })),
    );
  });
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

/** `traceId=` selects a trace; any other parameter an attribute value (`application.id=...`). */
function matches(span: ReceivedSpan, query: URLSearchParams): boolean {
  for (const [key, value] of query) {
    const actual = key === 'traceId' ? span.traceId : span.attributes[key];
    if (String(actual) !== value) return false;
  }
  return true;
}

export interface OtlpReceiver {
  /** Base URL: the exporters' OTEL_EXPORTER_OTLP_ENDPOINT, and where GET /spans answers. */
  url: string;
  stop(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://receiver');
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/spans')
      return answer(
        200,
        spans.filter((s) => matches(s, url.searchParams)),
      );
    if (request.method !== 'POST' || url.pathname !== '/v1/traces') return answer(404, {});
    if (!request.headers['content-type']?.startsWith('application/json'))
      return answer(415, { message: 'this receiver takes OTLP/HTTP JSON only' });
    bodyOf(request)
      .then((body) => {
        spans.push(...spansOf(JSON.parse(body.toString('utf8')) as ExportTraceServiceRequest));
        // An ExportTraceServiceResponse without partial_success: everything was accepted.
        answer(200, {});
      })
      .catch((error: unknown) => answer(400, { message: (error as Error).message }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The received spans that match `query` (see matches). */
export async function receivedSpans(
  receiverUrl: string,
  query: Record<string, string>,
): Promise<ReceivedSpan[]> {
  const response = await fetch(`${receiverUrl}/spans?${new URLSearchParams(query)}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`OTLP receiver: HTTP ${response.status}`);
  return (await response.json()) as ReceivedSpan[];
}
