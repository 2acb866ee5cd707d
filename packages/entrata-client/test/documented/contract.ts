import { readFileSync } from 'node:fs';

/** Parsed JSON of a body under test: assertions check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
export type Json = any;

/** One documented Entrata call (see fixtures/documented/README.md). */
export interface DocumentedCall {
  $source: string;
  service: string;
  method: string;
  version: string;
  params: Record<string, string>;
  required: string[];
  fileParams?: Record<string, string>;
  request: {
    auth: { type: string };
    requestId: string;
    method: { name: string; version: string; params: Record<string, unknown> };
  };
  http: number;
  response: unknown;
}

export function documented(name: string): DocumentedCall {
  return JSON.parse(readFileSync(new URL(`../fixtures/documented/${name}.json`, import.meta.url), 'utf8'));
}

export function documentedHeaders(name: string): Record<string, string> {
  return JSON.parse(readFileSync(new URL(`../fixtures/documented/${name}.json`, import.meta.url), 'utf8'))
    .headers;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function typeProblem(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be an integer';
    case 'MM/DD/YYYY':
      return typeof value === 'string' && /^\d{2}\/\d{2}\/\d{4}$/.test(value)
        ? undefined
        : 'must be MM/DD/YYYY';
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case '0|1':
      return value === 0 || value === 1 ? undefined : 'must be 0 or 1';
    case 'object':
      return isObject(value) ? undefined : 'must be an object';
    default:
      return `unknown documented type ${type}`;
  }
}

function checkParams(
  spec: Record<string, string>,
  required: string[],
  params: unknown,
  at: string,
): string[] {
  if (!isObject(params)) return [`${at}: must be an object`];
  const problems: string[] = [];
  for (const name of required) if (!(name in params)) problems.push(`${at}.${name}: required, not sent`);
  for (const [name, value] of Object.entries(params)) {
    const type = spec[name];
    if (!type) problems.push(`${at}.${name}: not a documented parameter`);
    else {
      const problem = typeProblem(type, value);
      if (problem) problems.push(`${at}.${name}: ${problem} (got ${JSON.stringify(value)})`);
    }
  }
  return problems;
}

/** What is wrong with the params a client sent, measured against the documented parameters. */
export function paramProblems(call: DocumentedCall, params: unknown): string[] {
  const problems = checkParams(call.params, call.required, params, 'params');
  const files = isObject(params) && isObject(params.files) ? params.files.file : undefined;
  if (call.fileParams && files !== undefined) {
    const list = Array.isArray(files) ? files : [files];
    list.forEach((file, i) => {
      problems.push(...checkParams(call.fileParams ?? {}, ['fileName'], file, `params.files.file[${i}]`));
    });
  }
  return problems;
}

// ---- shapes -----------------------------------------------------------------------------------------

/** The documented shape: objects with how often each key appears, arrays with the shape of their items. */
type Shape =
  | { kind: 'object'; n: number; keys: Map<string, { count: number; shape: Shape }> }
  | { kind: 'array'; item: Shape | undefined }
  | { kind: 'text' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'any' };

function infer(value: unknown): Shape {
  if (Array.isArray(value))
    return {
      kind: 'array',
      item: value.map(infer).reduce<Shape | undefined>((a, b) => (a ? merge(a, b) : b), undefined),
    };
  if (isObject(value)) {
    const keys = new Map(Object.entries(value).map(([k, v]) => [k, { count: 1, shape: infer(v) }]));
    return { kind: 'object', n: 1, keys };
  }
  // Loose types on the wire: ids and `code` are strings or integers.
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'text' };
  if (typeof value === 'boolean') return { kind: 'boolean' };
  return value === null ? { kind: 'null' } : { kind: 'any' };
}

function merge(a: Shape, b: Shape): Shape {
  if (a.kind === 'object' && b.kind === 'object') {
    const keys = new Map(a.keys);
    for (const [k, entry] of b.keys) {
      const seen = keys.get(k);
      keys.set(k, seen ? { count: seen.count + entry.count, shape: merge(seen.shape, entry.shape) } : entry);
    }
    return { kind: 'object', n: a.n + b.n, keys };
  }
  if (a.kind === 'array' && b.kind === 'array')
    return { kind: 'array', item: a.item && b.item ? merge(a.item, b.item) : (a.item ?? b.item) };
  return a.kind === b.kind ? a : { kind: 'any' };
}

function check(shape: Shape, actual: unknown, path: string, out: string[]): void {
  switch (shape.kind) {
    case 'object': {
      if (!isObject(actual))
        return void out.push(`${path}: must be an object (got ${JSON.stringify(actual)})`);
      for (const [key, entry] of shape.keys)
        if (entry.count === shape.n && !(key in actual)) out.push(`${path}.${key}: documented, missing`);
      for (const [key, value] of Object.entries(actual)) {
        const entry = shape.keys.get(key);
        if (!entry) out.push(`${path}.${key}: not in the documented shape`);
        else check(entry.shape, value, `${path}.${key}`, out);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(actual)) return void out.push(`${path}: must be an array`);
      for (const [i, item] of actual.entries()) if (shape.item) check(shape.item, item, `${path}[${i}]`, out);
      return;
    case 'text':
      if (typeof actual !== 'string' && !(typeof actual === 'number' && Number.isFinite(actual)))
        out.push(`${path}: must be a string or a number (got ${JSON.stringify(actual)})`);
      return;
    case 'boolean':
    case 'null':
      if (typeof actual !== shape.kind && !(shape.kind === 'null' && actual === null))
        out.push(`${path}: must be ${shape.kind}`);
      return;
    case 'any':
      return;
  }
}

/**
 * Where an actual body leaves the documented shape: keys every documented item has must be there, keys no
 * documented item has must not be (an absent key stays absent), nesting and scalar kinds must match.
 */
export function shapeProblems(documentedBody: unknown, actual: unknown): string[] {
  const out: string[] = [];
  check(infer(documentedBody), actual, '$', out);
  return out;
}
