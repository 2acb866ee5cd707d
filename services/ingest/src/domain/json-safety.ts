/**
 * Limits on webhook JSON beyond its schema. Webhook bodies are stored as jsonb and their ids as text, and
 * PostgreSQL refuses NUL characters and unpaired UTF-16 surrogates in both: such a body must be rejected
 * with a 4xx naming the field, not fail at INSERT time with a 503 the sender would retry forever.
 * Deep nesting is refused before JSON.parse (and before any recursive walk), so no body can exhaust the stack.
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
 * Whether JSON text nests arrays/objects deeper than `limit`, found by a linear scan that skips strings
 * (no parse, no recursion). Invalid JSON is not judged here: JSON.parse reports it.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const pointer = (parent: string, key: string | number): string =>
  `${parent === '/' ? '' : parent}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

/**
 * Every key and string in `value` that PostgreSQL could not store, and nesting beyond `maxDepth`, as field
 * problems (at most 20). Iterative, so any value can be checked, however deep.
 */
export function storageProblems(value: unknown, maxDepth = MAX_JSON_DEPTH): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '/', depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const item = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof item.value === 'string') {
      const problem = textProblem(item.value);
      if (problem) problems.push({ path: item.path, message: problem });
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= maxDepth) {
      problems.push({ path: item.path, message: `must not nest deeper than ${maxDepth} levels` });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(item.value)
      ? item.value.map((v, i) => [i, v])
      : Object.entries(item.value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string | number, unknown];
      const path = pointer(item.path, key);
      if (typeof key === 'string') {
        const problem = textProblem(key);
        if (problem) problems.push({ path, message: `key ${problem}` });
      }
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}
