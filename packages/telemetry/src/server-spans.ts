import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isHousekeeping } from './sdk.ts';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Wraps an HTTP server's request listener so each request runs in a SERVER span that continues the caller's
 * W3C trace context (traceparent / tracestate), with the stable HTTP attributes a trace backend searches by:
 * method, path, scheme, client address, status. The route (`http.route`) and the name `POST /route` are set
 * by the router, which alone knows it (nameServerSpan). Probes and scrapes are not traced.
 *
 * In place of @opentelemetry/instrumentation-http, which computed some twenty attributes per request and bound
 * the request's and response's event emitters to the context: a webhook acknowledgement took a fifth less
 * CPU without it (e2e/bench/README.md, ninth session). The listener and everything it starts run inside
 * `context.with`, so their continuations (handlers, queries, the response's `finish` and its log line) see
 * the span as active without binding emitters.
 */
export function traceRequests(listener: RequestListener): RequestListener {
  const tracer = trace.getTracer('autoverify-http');
  return (request, response) => {
    const url = request.url ?? '/';
    if (isHousekeeping(url)) {
      listener(request, response);
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const method = request.method ?? 'GET';
    const query = url.indexOf('?');
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          // The query is left out: its values may be personal data, and the route names the request.
          'url.path': query === -1 ? url : url.slice(0, query),
          'url.scheme': 'http',
          'client.address': request.socket.remoteAddress ?? '',
          'network.protocol.version': request.httpVersion,
        },
      },
      parent,
    );
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (!response.writableFinished) {
        // The client went away before the whole response was written.
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'response not completed' });
      } else if (response.statusCode >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    context.with(trace.setSpan(parent, span), listener, undefined, request, response);
  };
}
