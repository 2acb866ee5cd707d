import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** RFC 9457 problem details: the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  /** Where the bad value is: `body.applicant.email`, `querystring.limit`, `params.id`. */
  path: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Answers with a problem document; `extra` may override `type` and add extension members. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  title: string,
  detail?: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const body: Problem = {
    type: 'about:blank',
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    instance: reply.request.url,
    ...extra,
  };
  problemReasons.set(reply.raw, reasonOf(body.type, title));
  return reply.code(status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

// Why a request was answered with a problem, for the rejections metric (metrics.ts): a short, bounded word.
const problemReasons = new WeakMap<object, string>();

/** The reason of the problem sent on this response (`validation`, `not-found`, `unauthorized`), if any. */
export function problemReason(response: object): string | undefined {
  return problemReasons.get(response);
}

function reasonOf(type: string, title: string): string {
  if (type.startsWith('urn:problem:')) return type.slice('urn:problem:'.length);
  if (type !== 'about:blank') return type;
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

interface ProblemShape {
  status: number;
  type: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
}

const KNOWN: Record<string, { status: number; type: string; title: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    type: 'urn:problem:unsupported-media-type',
    title: 'Unsupported Media Type',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, type: 'urn:problem:bad-request', title: 'Bad Request' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    type: 'urn:problem:payload-too-large',
    title: 'Payload Too Large',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    type: 'urn:problem:malformed-body',
    title: 'Malformed Request Body',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    type: 'urn:problem:malformed-body',
    title: 'Malformed Request Body',
  },
};

/** Maps any error fastify or a route produced to a problem; 5xx details are never exposed. */
export function problemFor(error: FastifyError, request: FastifyRequest): ProblemShape {
  if (error.validation) {
    const location = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => fieldError(location, v));
    return {
      status: 400,
      type: 'urn:problem:validation',
      title: 'Validation Failed',
      detail: `The request ${location} is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      errors,
    };
  }
  const known = error.code ? KNOWN[error.code] : undefined;
  if (known) return { ...known, detail: detailFor(error, request) };
  // JSON.parse failures surface as a SyntaxError with statusCode 400 from fastify's JSON parser.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return {
      status: 400,
      type: 'urn:problem:malformed-body',
      title: 'Malformed Request Body',
      detail: `Body is not valid JSON: ${error.message}`,
    };
  }
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) {
    return {
      status,
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Internal Server Error',
      detail: 'The server could not handle the request; it has been logged.',
    };
  }
  return { status, type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', detail: error.message };
}

function detailFor(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')} is not supported here; send application/json`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The request body is larger than the ${request.routeOptions.bodyLimit} bytes this endpoint accepts`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Content-Type is application/json but the body is empty';
    default:
      return error.message.replace(
        /^Body is not valid JSON but content-type is set to 'application\/json'$/,
        'Body is not valid JSON',
      );
  }
}

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function fieldError(location: string, v: AjvError): FieldError {
  const segments = (v.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
    return { path: [location, ...segments, v.params.missingProperty].join('.'), message: 'is required' };
  }
  if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
    return {
      path: [location, ...segments, v.params.additionalProperty].join('.'),
      message: 'is not allowed',
    };
  }
  if (v.keyword === 'enum' && Array.isArray(v.params?.allowedValues)) {
    return {
      path: [location, ...segments].join('.'),
      message: `must be one of ${v.params.allowedValues.map((a) => JSON.stringify(a)).join(', ')}`,
    };
  }
  return { path: [location, ...segments].join('.'), message: v.message ?? 'is invalid' };
}
