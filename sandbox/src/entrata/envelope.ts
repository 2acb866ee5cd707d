import { EntrataError } from './errors.ts';

/** The RPC request every Entrata call carries (as the JSON body, or the `request` part of a multipart upload). */
export interface Envelope {
  authType: 'apikey' | 'basic';
  requestId: string;
  method: { name: string; version: string; params: Record<string, unknown> };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * domain.md: the request body is `{"auth":{"type":"apikey"|"basic"},"requestId":"<echoed>","method":{"name",
 * "version","params"}}`. NOT DOCUMENTED: a missing version; assumed r1.
 */
export function parseEnvelope(body: unknown): Envelope {
  if (!isObject(body)) throw new EntrataError('invalidRequest', 'The body must be a JSON object.');
  const auth = body.auth;
  if (!isObject(auth) || (auth.type !== 'apikey' && auth.type !== 'basic')) {
    throw new EntrataError('invalidRequest', 'auth.type must be "apikey" or "basic".');
  }
  const method = body.method;
  if (!isObject(method) || typeof method.name !== 'string' || method.name === '') {
    throw new EntrataError('invalidRequest', 'method.name is required.');
  }
  if (method.params !== undefined && !isObject(method.params)) {
    throw new EntrataError('invalidRequest', 'method.params must be an object.');
  }
  const requestId = body.requestId;
  return {
    authType: auth.type,
    // Entrata echoes whatever it got as a string.
    requestId: typeof requestId === 'string' || typeof requestId === 'number' ? String(requestId) : '',
    method: {
      name: method.name,
      version: typeof method.version === 'string' ? method.version : 'r1',
      params: (method.params as Record<string, unknown> | undefined) ?? {},
    },
  };
}

/**
 * domain.md: success is `{"response":{"requestId":"..","code":200,"result":{...}}}`, `requestId` echoed as a
 * string, and `code` "can be a string or an integer", so some methods here send "200".
 */
export function successBody(requestId: string, result: unknown, codeAsString = false) {
  return { response: { requestId, code: codeAsString ? '200' : 200, result } };
}

/** domain.md: an error is `{"response":{"error":{"code":<int>,"message":".."}}}` (no requestId, no result). */
export function errorBody(code: number | string, message: string) {
  return { response: { error: { code, message } } };
}

/** domain.md: "ids are integers in requests"; a numeric string is accepted too (loose typing on the wire). */
export function intParam(params: Record<string, unknown>, name: string, required: true): number;
export function intParam(params: Record<string, unknown>, name: string, required?: false): number | undefined;
export function intParam(
  params: Record<string, unknown>,
  name: string,
  required = false,
): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new EntrataError('invalidParams', `${name} is required.`);
    return undefined;
  }
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value.trim())
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new EntrataError('invalidParams', `${name} must be a positive integer.`);
  return n;
}

export function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new EntrataError('invalidParams', `${name} must be a string.`);
  }
  return String(value);
}
