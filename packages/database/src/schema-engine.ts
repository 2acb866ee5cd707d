/**
 * Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`), driven through our
 * pg adapter. The native engine binary cannot be downloaded on our machines; this one ships in npm.
 * It is not a documented public API: the package is pinned to the engine commit of the `prisma`
 * version in use (see README.md), and everything that touches it lives in this module.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { createPrismaAdapter, type PgAdapterFactory } from './adapter.ts';

export type { SchemaEngine };

/** A failure reported by the engine: `code` is Prisma's error code (e.g. P3009) when it gave one. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

let engineClass: Promise<typeof SchemaEngine> | undefined;

/**
 * The engine races some operations against JS timers it never clears (e.g. a 10 s timeout on the
 * migration advisory lock), which would keep the process alive for 10 s after a deploy. Its timers
 * are tracked, and unref'd once no engine session is running, when nothing can be waiting on them.
 */
const engineTimers = new Set<ReturnType<typeof setTimeout>>();
let activeSessions = 0;

function withTrackedTimers(glue: Record<string, unknown>): Record<string, unknown> {
  const imports = { ...glue };
  for (const name of Object.keys(imports).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, ms: number) => {
      const timer = setTimeout(() => {
        engineTimers.delete(timer);
        callback();
      }, ms >>> 0);
      engineTimers.add(timer);
      return timer;
    };
  }
  return imports;
}

function releaseEngineTimers(): void {
  if (activeSessions > 0) return;
  for (const timer of engineTimers) timer.unref();
  engineTimers.clear();
}

/** The slice of the WebAssembly global used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: Record<string, unknown> }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * Instantiates the WASM module once per process: wasm-bindgen keeps module-level state, and a second
 * instantiation breaks it. The package's own entry imports the `.wasm` file as an ES module, which
 * Node does not do by default, so the module is compiled here and wired to its JS glue by hand.
 */
function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    const glueUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = await import(glueUrl);
    const bytes = await readFile(fileURLToPath(new URL('./schema_engine_bg.wasm', glueUrl)));
    const module = await wasmApi.compile(bytes);
    const instance = await wasmApi.instantiate(module, { './schema_engine_bg.js': withTrackedTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine as typeof SchemaEngine;
  })();
  return engineClass;
}

export interface EngineSession {
  engine: SchemaEngine;
  adapter: PgAdapterFactory;
}

export interface WithEngineOptions {
  databaseUrl: string;
  schemaPath: string;
  schema: string;
  /** Receives the engine's log lines (JSON strings); silent by default. */
  log?: (line: string) => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Engine messages end in a Rust span trace ("   0: sql_schema_connector::... at src/x.rs:113"),
 * which reads like a stack trace. Keep the message, name the migration the trace mentions.
 */
export function readableEngineMessage(message: string): string {
  const lines = message.split('\n');
  const traceStart = lines.findIndex((line) => /^\s+\d+: \S/.test(line));
  const head = (traceStart === -1 ? lines : lines.slice(0, traceStart))
    .filter((line) => line.trim() !== '' && line.trim() !== 'external connector error')
    .join('\n');
  const migration = traceStart === -1 ? undefined : /migration_name="([^"]+)"/.exec(message)?.[1];
  return migration ? `migration ${migration} failed: ${head}` : head;
}

/** Turns what the engine throws (errors with a Prisma code, or errors the adapter registered) into MigrationError. */
function toMigrationError(error: unknown, lookup: (e: unknown) => unknown): MigrationError {
  const registered = lookup(error);
  const cause = registered ?? error;
  if (isRecord(cause) && 'kind' in cause) {
    const detail = 'originalMessage' in cause ? cause.originalMessage : cause.message;
    return new MigrationError(`database error (${String(cause.kind)}): ${String(detail ?? '')}`, undefined, {
      cause,
    });
  }
  const message = readableEngineMessage(error instanceof Error ? error.message : String(error));
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
  return new MigrationError(code ? `${code}: ${message}` : message, code, { cause: error });
}

/**
 * Opens the engine on `databaseUrl` with `schema` loaded, runs `fn`, then frees the engine and closes
 * every pool and shadow database the adapter opened (otherwise the process would not exit).
 */
export async function withSchemaEngine<T>(
  options: WithEngineOptions,
  fn: (session: EngineSession) => Promise<T>,
) {
  const Engine = await loadEngineClass();
  const adapter = createPrismaAdapter(options.databaseUrl, { maxConnections: 2 });
  const bound = bindMigrationAwareSqlAdapterFactory(adapter);
  // A JS exception inside the adapter reaches the engine as an id into this registry.
  const lookup = (e: unknown) =>
    isRecord(e) && typeof e.id === 'number' ? bound.errorRegistry.consumeError(e.id)?.error : undefined;
  let engine: SchemaEngine | undefined;
  activeSessions += 1;
  try {
    engine = await Engine.new(
      { datamodels: [[options.schemaPath, options.schema]] },
      options.log ?? (() => {}),
      bound,
    );
    return await fn({ engine, adapter });
  } catch (error) {
    throw error instanceof MigrationError ? error : toMigrationError(error, lookup);
  } finally {
    engine?.free();
    activeSessions -= 1;
    releaseEngineTimers();
    await adapter.close();
  }
}
