import Type, { type Static, type TObject, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { ConfigError } from './errors.ts';
import { kafkaEnv } from './kafka-env.ts';
import { collectProblems, formatPath } from './problems.ts';

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|KEY/i;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Reads the variables named by `schema` from `env`: empty values count as unset, defaults apply,
 * strings become numbers/booleans/arrays (comma separated) as the schema says. Throws a ConfigError
 * listing every problem; values of secret-looking variables and URL passwords are never echoed.
 */
export function loadEnv<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Static<S> {
  const raw: Record<string, string> = {};
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const text = env[name];
    if (text === undefined || text.trim() === '') continue;
    raw[name] = text;
    value[name] = coerce(property, text.trim());
  }
  const withDefaults = Value.Default(schema, value) as Record<string, unknown>;
  const problems = collectProblems(schema, withDefaults).map((problem) => {
    const name = String(problem.path[0] ?? '');
    const shown = raw[name];
    const got = shown === undefined ? ' (not set)' : ` (got "${showValue(name, shown)}")`;
    return `${formatPath(problem.path)}: ${problem.message}${got}`;
  });
  if (problems.length > 0) throw new ConfigError('Invalid environment configuration', problems);
  return withDefaults as Static<S>;
}

function coerce(schema: TSchema, text: string): unknown {
  const s = schema as Record<string, any>;
  if (s.type === 'array') {
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.map((item) => (s.items ? coerce(s.items, item) : item));
  }
  if (s.type === 'boolean') {
    const lower = text.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return text;
  }
  if (s.type === 'number' || s.type === 'integer') {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  return Value.Convert(schema, text);
}

function showValue(name: string, text: string): string {
  if (SECRET_NAME.test(name)) return '***';
  const masked = text.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, '$1***@');
  return masked.length > 80 ? `${masked.slice(0, 77)}...` : masked;
}

/** Variables every service reads; spread into a service's own schema: `Type.Object({ ...commonEnv, MY_VAR: ... })`. */
export const commonEnv = {
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://.+',
    errorMessage: 'must be a postgres:// URL',
    description: 'postgres://user:password@host:port/db',
  }),
  ...kafkaEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  // Optional (service-kit reads `?? 90`): code that builds a service's env by hand (tests) need not name it.
  RETENTION_DAYS: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 90,
      description:
        'Personal data is deleted this many days after its final state (docs/security.md "Retention").',
    }),
  ),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  // Optional (service-kit reads `?? 'all'`): code that builds a service's env by hand (tests) need not name it.
  SERVICE_ROLE: Type.Optional(
    Type.Union([Type.Literal('all'), Type.Literal('web'), Type.Literal('worker')], {
      default: 'all',
      description:
        'What this process of the service runs (docs/architecture.md "Web and worker processes"): all (default), web (HTTP routes) or worker (consumer, jobs, background loops, relay).',
    }),
  ),
  TENANTS_FILE: Type.String({
    minLength: 1,
    description: 'Path of the tenants JSON file (schema TenantsFile).',
  }),
  // Every service's admin routes (service-kit: set-aside outbox rows; some services add their own).
  ADMIN_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      description:
        'Bearer token of the /admin routes (the support console calls them); unset = no admin routes.',
    }),
  ),
  ADMIN_TOKEN_PREVIOUS: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'While rotating: the admin token being replaced, still accepted beside ADMIN_TOKEN.',
    }),
  ),
};
