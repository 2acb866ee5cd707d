/**
 * Limits on webhook JSON beyond its schema. Webhook bodies are stored as jsonb and their ids as text, and
 * PostgreSQL refuses NUL characters and unpaired UTF-16 surrogates in both: such a body must be rejected
 * with a 4xx naming the field, not fail at INSERT time with a 503 the sender would retry forever.
 * Deep nesting is refused before JSON.parse (and before any recursive walk), so no body can exhaust the stack.
 * Bodies are parsed strictly (parseStrictJson): what ingest stores (the exact bytes) and what it acted on
 * (the parsed value) can never differ.
 */

/** No real webhook comes close; deep enough for any sane extra field. */
export const MAX_JSON_DEPTH = 32;
const MAX_PROBLEMS = 20;

/** Schema pattern for ids and names: control characters there are an attack or a bug, never data. */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001F\\u007F]+$';

export interface FieldProblem {
  /** JSON pointer, `/` for the whole body. */
  path: string;
  message: string;
}

/**
 * The first structural problem of JSON text that JSON.parse would let through: nesting deeper than `limit`,
 * or a key repeated in one object at any depth (JSON.parse silently keeps the last one, so two readers of the
 * same bytes could see two different bodies). A linear scan without recursion that skips string contents;
 * keys are compared decoded ("a" and "\u0061" are one key). Invalid JSON is not judged here: JSON.parse
 * reports it.
 */
export function jsonStructureProblem(text: string, limit = MAX_JSON_DEPTH): string | undefined {
  // One entry per open container: an object's keys so far and its current key, or an array's index.
  const open: { keys: Set<string> | undefined; at: string | number }[] = [];
  let expectKey = false;
  let stringStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (stringStart >= 0) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) {
        const top = open.at(-1);
        if (expectKey && top?.keys) {
          const key = decodeKey(text.slice(stringStart, i + 1));
          if (key !== undefined) {
            if (top.keys.has(key))
              return `duplicate key "${key.slice(0, 50)}" in the object at ${pathOf(open.slice(0, -1))}`;
            top.keys.add(key);
            top.at = key;
          }
        }
        expectKey = false;
        stringStart = -1;
      }
      continue;
    }
    if (c === 0x22) stringStart = i;
    else if (c === 0x7b || c === 0x5b) {
      if (open.length >= limit) return `nested deeper than ${limit} levels`;
      open.push(c === 0x7b ? { keys: new Set(), at: '' } : { keys: undefined, at: 0 });
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) open.pop();
    else if (c === 0x2c) {
      const top = open.at(-1);
      if (top && !top.keys) top.at = (top.at as number) + 1;
      expectKey = top?.keys !== undefined;
    }
  }
  return undefined;
}

function decodeKey(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined; // not valid JSON: JSON.parse reports it
  }
}

const pathOf = (open: { at: string | number }[]): string =>
  open.length === 0 ? '/' : open.reduce((path, { at }) => pointer(path, at), '/');

/**
 * Why a JSON number cannot be taken as written, from its source text and the value JSON.parse made of it:
 * out of range (1e400 becomes Infinity, 1e-400 becomes 0) or more significant digits than a double holds
 * (5000 digits), so storing or forwarding the value would silently change it.
 */
export function numberProblem(source: string, value: number): string | undefined {
  if (!Number.isFinite(value)) return 'is out of range';
  const mantissa = (/^-?([0-9.]+)/.exec(source)?.[1] ?? '').replace('.', '');
  const significant = mantissa.replace(/^0+/, '').replace(/0+$/, '');
  if (value === 0 && significant.length > 0) return 'is too small to be represented';
  if (significant.length > 17) return 'has more digits than can be represented exactly';
  return undefined;
}

/** An id written as a JSON number must be a plain whole number: not 2000001.0, 2.000001e6 or -1. */
export const isPlainWholeNumber = (source: string): boolean => /^(0|[1-9][0-9]*)$/.test(source);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type StrictJson =
  | {
      ok: true;
      value: unknown;
      /** The source text of a number member of an object or array (`holder[key]`) of `value`. */
      numberSource(holder: object, key: string | number): string | undefined;
    }
  | { ok: false; message: string };

/**
 * JSON.parse, strictly: the bytes must be valid UTF-8 (a replacement character would change the body), keys
 * unique at every depth, nesting within MAX_JSON_DEPTH (checked on the text first, so a hostile body cannot
 * exhaust the stack), and every number representable as written. The source text of each number is kept
 * (JSON.parse source text access), so a schema can also ask how an id was written.
 */
export function parseStrictJson(raw: Uint8Array): StrictJson {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, message: 'the body is not valid UTF-8' };
  }
  const structure = jsonStructureProblem(text, MAX_JSON_DEPTH);
  if (structure) return { ok: false, message: structure };
  const sources = new WeakMap<object, Map<string, string>>();
  let problem: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, function (
      this: object,
      key: string,
      parsed: unknown,
      context?: { source?: string },
    ) {
      if (typeof parsed === 'number' && context?.source !== undefined) {
        const why = numberProblem(context.source, parsed);
        problem ??=
          why && `the number ${context.source.slice(0, 40)}${context.source.length > 40 ? '…' : ''} ${why}`;
        const holder = sources.get(this) ?? new Map<string, string>();
        holder.set(key, context.source);
        sources.set(this, holder);
      }
      return parsed;
    } as (this: unknown, key: string, value: unknown) => unknown);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (problem) return { ok: false, message: problem };
  return { ok: true, value, numberSource: (holder, key) => sources.get(holder)?.get(String(key)) };
}

const pointer = (parent: string, key: string | number): string =>
  `${parent === '/' ? '' : parent}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

/** A node of the value being checked; its JSON pointer is built only when it has a problem. */
interface Visit {
  value: unknown;
  parent: Visit | undefined;
  key: string | number;
  depth: number;
}

const pathOfVisit = (visit: Visit): string =>
  visit.parent ? pointer(pathOfVisit(visit.parent), visit.key) : '/';

/**
 * Every key and string in `value` that PostgreSQL could not store, and nesting beyond `maxDepth`, as field
 * problems (at most 20). Iterative, so any value can be checked, however deep; a path is spelled out only
 * for a problem (a webhook is checked on every request, and nearly all have none).
 */
export function storageProblems(value: unknown, maxDepth = MAX_JSON_DEPTH): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Visit[] = [{ value, parent: undefined, key: '', depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const item = stack.pop() as Visit;
    if (typeof item.value === 'string') {
      const problem = textProblem(item.value);
      if (problem) problems.push({ path: pathOfVisit(item), message: problem });
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= maxDepth) {
      problems.push({ path: pathOfVisit(item), message: `must not nest deeper than ${maxDepth} levels` });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(item.value)
      ? item.value.map((v, i) => [i, v])
      : Object.entries(item.value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string | number, unknown];
      const visit: Visit = { value: child, parent: item, key, depth: item.depth + 1 };
      if (typeof key === 'string') {
        const problem = textProblem(key);
        if (problem) problems.push({ path: pathOfVisit(visit), message: `key ${problem}` });
      }
      stack.push(visit);
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}
