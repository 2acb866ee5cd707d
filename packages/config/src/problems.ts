import Value from 'typebox/value';

/** One thing wrong with a value, at a path of property names / array indexes. */
export interface Problem {
  path: (string | number)[];
  message: string;
  /** The offending value, when there is one to show. */
  value?: unknown;
  hasValue: boolean;
}

// TypeBox's own error iterator stops at the first failing branch of a nested schema and reports every
// branch of a union; operators need every problem, and the one that matters in a union. So the schema is
// walked here, and TypeBox only judges leaves.
type Schema = Record<string, any>;

export function collectProblems(schema: Schema, value: unknown, path: (string | number)[] = []): Problem[] {
  if (Value.Check(schema as never, value)) return [];
  if (Array.isArray(schema.anyOf)) return unionProblems(schema, value, path);
  if (schema.type === 'object' && isObject(schema)) return objectProblems(schema, value, path);
  if (schema.type === 'array') return arrayProblems(schema, value, path);
  return [leafProblem(schema, value, path)];
}

function objectProblems(schema: Schema, value: unknown, path: (string | number)[]): Problem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path, message: 'must be an object', value, hasValue: true }];
  }
  const record = value as Record<string, unknown>;
  const properties: Record<string, Schema> = schema.properties ?? {};
  const required: string[] = schema.required ?? [];
  const problems: Problem[] = [];
  for (const key of required) {
    if (record[key] === undefined)
      problems.push({ path: [...path, key], message: 'is required', hasValue: false });
  }
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>);
  for (const [key, child] of Object.entries(record)) {
    if (child === undefined) continue;
    const known = properties[key];
    if (known) {
      problems.push(...collectProblems(known, child, [...path, key]));
      continue;
    }
    const matching = patterns.find(([pattern]) => new RegExp(pattern).test(key));
    if (matching) {
      problems.push(...collectProblems(matching[1], child, [...path, key]));
    } else if (patterns.length > 0) {
      problems.push({
        path: [...path, key],
        message: `key must match ${patterns.map(([p]) => p).join(' or ')}`,
        hasValue: false,
      });
    } else if (schema.additionalProperties === false) {
      problems.push({ path: [...path, key], message: 'is not an allowed property', hasValue: false });
    }
  }
  if (problems.length === 0) problems.push(leafProblem(schema, value, path));
  return problems;
}

function arrayProblems(schema: Schema, value: unknown, path: (string | number)[]): Problem[] {
  if (!Array.isArray(value)) return [{ path, message: 'must be an array', value, hasValue: true }];
  const problems: Problem[] = [];
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    problems.push({ path, message: `must have at least ${schema.minItems} item(s)`, hasValue: false });
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    problems.push({ path, message: `must have at most ${schema.maxItems} item(s)`, hasValue: false });
  }
  if (schema.items) {
    value.forEach((item, i) => {
      problems.push(...collectProblems(schema.items, item, [...path, i]));
    });
  }
  if (problems.length === 0) problems.push(leafProblem(schema, value, path));
  return problems;
}

function unionProblems(schema: Schema, value: unknown, path: (string | number)[]): Problem[] {
  const branches: Schema[] = schema.anyOf;
  const constants = branches.map((b) => b.const);
  if (constants.every((c) => c !== undefined)) {
    return [
      {
        path,
        message: `must be one of ${constants.map((c) => JSON.stringify(c)).join(', ')}`,
        value,
        hasValue: true,
      },
    ];
  }
  // Objects told apart by a literal property (e.g. `type: 'apikey' | 'basic'`): judge the chosen branch only.
  const discriminator = findDiscriminator(branches);
  if (discriminator && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const tag = (value as Record<string, unknown>)[discriminator];
    const branch = branches.find((b) => b.properties[discriminator].const === tag);
    if (branch) return collectProblems(branch, value, path);
    const allowed = branches.map((b) => JSON.stringify(b.properties[discriminator].const)).join(', ');
    return [
      {
        path: [...path, discriminator],
        message: `must be one of ${allowed}`,
        value: tag,
        hasValue: tag !== undefined,
      },
    ];
  }
  // Otherwise report against the branch the value comes closest to.
  let best: Problem[] | undefined;
  for (const branch of branches) {
    const problems = collectProblems(branch, value, path);
    if (!best || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

function findDiscriminator(branches: Schema[]): string | undefined {
  const first = branches[0];
  if (first?.type !== 'object' || !first.properties) return undefined;
  return Object.keys(first.properties).find((key) =>
    branches.every(
      (b) => b.type === 'object' && b.properties?.[key]?.const !== undefined && b.required?.includes(key),
    ),
  );
}

function leafProblem(schema: Schema, value: unknown, path: (string | number)[]): Problem {
  const [error] = [...Value.Errors(schema as never, value)] as {
    keyword: string;
    params: Record<string, any>;
    message: string;
  }[];
  // A schema may carry its own wording for operators (e.g. `errorMessage: 'must be host:port'`).
  const message =
    typeof schema.errorMessage === 'string' ? schema.errorMessage : error ? describe(error) : 'is invalid';
  return { path, message, value, hasValue: true };
}

function describe(error: { keyword: string; params: Record<string, any>; message: string }): string {
  const p = error.params;
  switch (error.keyword) {
    case 'type':
      return `must be ${Array.isArray(p.type) ? p.type.join(' or ') : `a ${p.type}`}`.replace(
        'a integer',
        'an integer',
      );
    case 'minimum':
      return `must be >= ${p.limit ?? p.minimum}`;
    case 'maximum':
      return `must be <= ${p.limit ?? p.maximum}`;
    case 'exclusiveMinimum':
      return `must be > ${p.limit ?? p.exclusiveMinimum}`;
    case 'exclusiveMaximum':
      return `must be < ${p.limit ?? p.exclusiveMaximum}`;
    case 'minLength':
      return `must be at least ${p.limit ?? p.minLength} character(s) long`;
    case 'maxLength':
      return `must be at most ${p.limit ?? p.maxLength} character(s) long`;
    case 'pattern':
      return `must match ${p.pattern}`;
    case 'format':
      return `must be a valid ${p.format}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    default:
      return error.message;
  }
}

/** `['tenants', 0, 'defaults', 'timeZone']` -> `tenants[0].defaults.timeZone`. */
export function formatPath(path: (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || '(root)';
}

function isObject(schema: Schema): boolean {
  return typeof schema.properties === 'object' || typeof schema.patternProperties === 'object';
}
