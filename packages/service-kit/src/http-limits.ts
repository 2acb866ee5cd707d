/**
 * What every service's HTTP server refuses before any route runs, and how: request-line/header size, URL
 * length, unknown routes, router errors. All answers are application/problem+json and none echoes the
 * request's path back (a caller chooses it: an echo would hand back whatever size or content it sent).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, sendProblem } from './problem.ts';

/** Request line plus headers (Node's own default, made explicit): larger is a 431 from the HTTP parser. */
export const MAX_HEADER_SIZE = 16 * 1024;
/** Our URLs are short (webhooks, admin routes, unsubscribe links); a longer one is refused with 414. */
export const MAX_URL_LENGTH = 4096;

/** The problem answers below carry no `instance`: it would be the path. */
const NO_INSTANCE = { instance: undefined };

/** onRequest hook: 414 for a URL longer than MAX_URL_LENGTH (before its body is read or a handler runs). */
export async function refuseLongUrl(request: FastifyRequest, reply: FastifyReply) {
  if (request.url.length <= MAX_URL_LENGTH) return undefined;
  return sendProblem(
    reply,
    414,
    'URI Too Long',
    `The request URL is longer than the ${MAX_URL_LENGTH} characters this service accepts`,
    { type: 'urn:problem:uri-too-long', ...NO_INSTANCE },
  );
}

export function notFound(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(reply, 404, 'Not Found', `No ${request.method} route matches this path`, {
    type: 'urn:problem:not-found',
    ...NO_INSTANCE,
  });
}

const ROUTER_DETAIL: Record<string, string> = {
  FST_ERR_BAD_URL: 'The path is not a valid URL (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than this service accepts',
};

/** Errors the router raises before any handler (undecodable URL, over-long path parameter). */
export function routerError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  return sendProblem(
    reply,
    status,
    STATUS_CODES[status] ?? 'Bad Request',
    (error.code && ROUTER_DETAIL[error.code]) ?? 'The request could not be routed',
    { type: 'urn:problem:bad-request', ...NO_INSTANCE },
  );
}

/**
 * The server's `clientError`: the HTTP parser refused the request before fastify saw it (headers or request
 * line too large, malformed HTTP, a request that timed out). Written straight to the socket, as Node does,
 * but as a problem document.
 */
export function clientErrorProblem(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has nobody left to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          `The request line and headers are larger than the ${MAX_HEADER_SIZE} bytes this service accepts`,
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'The request is not valid HTTP'];
  const title = STATUS_CODES[status] ?? 'Bad Request';
  const body = JSON.stringify({ type: `urn:problem:client-error`, title, status, detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
