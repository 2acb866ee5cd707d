import { ConfigError } from '@autoverify/config';
import { createLogger, type Logger } from '@autoverify/logger';
import { shutdownTelemetry } from '@autoverify/telemetry';

export type StopHook = () => Promise<void> | void;

export interface Lifecycle {
  readonly logger: Logger;
  /** Aborted as soon as the service starts stopping: long loops and waits should give up. */
  readonly signal: AbortSignal;
  /** Stop hooks run in reverse order of registration: register in start-up order (db, kafka, ..., http). */
  onStop(name: string, fn: StopHook): void;
}

export interface RunServiceOptions {
  /** Defaults to a logger for the service at LOG_LEVEL. */
  logger?: Logger;
  /** All stop hooks together must finish within this time (default 25 s, inside Kubernetes' 30 s grace). */
  stopTimeoutMs?: number;
}

/**
 * Runs a service's start-up and owns its shutdown: a start-up failure is logged on one line (configuration
 * errors in full) and exits 1; SIGTERM/SIGINT run the stop hooks in reverse order, flush telemetry and exit 0.
 */
export function runLifecycle(
  name: string,
  main: (lifecycle: Lifecycle) => Promise<void>,
  options: RunServiceOptions = {},
): void {
  const logger = options.logger ?? createLogger({ service: name });
  const stopTimeoutMs = options.stopTimeoutMs ?? 25_000;
  const hooks: { name: string; fn: StopHook }[] = [];
  const controller = new AbortController();
  let stopping: Promise<never> | undefined;

  const lifecycle: Lifecycle = {
    logger,
    signal: controller.signal,
    onStop(hookName, fn) {
      hooks.push({ name: hookName, fn });
    },
  };

  let started: Promise<void> = Promise.resolve();
  const signalsReceived = new Set<string>();

  const stop = (reason: string, code: number): Promise<never> => {
    const repeated = signalsReceived.has(reason);
    if (reason === 'SIGINT' || reason === 'SIGTERM') signalsReceived.add(reason);
    if (stopping) {
      // Ctrl-C in a terminal sends SIGINT to the whole process group and the parent (make dev, the stack) then
      // sends SIGTERM: two signals, one request to stop. Only the same signal again (Ctrl-C pressed twice)
      // means "stop waiting".
      if (repeated) {
        logger.warn({ reason }, `${name}: ${reason} again while stopping; exiting now`);
        exit(logger, 1);
      }
      return stopping;
    }
    controller.abort();
    logger.info({ reason }, `${name} stopping`);
    setTimeout(() => {
      logger.error(
        { timeoutMs: stopTimeoutMs },
        `${name}: stop hooks did not finish within ${stopTimeoutMs} ms; exiting`,
      );
      exit(logger, 1);
    }, stopTimeoutMs);
    stopping = (async () => {
      // Hooks registered by a start-up still in progress must run too.
      await started.catch(() => {});
      let failed = false;
      for (const hook of [...hooks].reverse()) {
        try {
          await hook.fn();
          logger.debug({ hook: hook.name }, 'stopped');
        } catch (error) {
          failed = true;
          logger.error({ err: error, hook: hook.name }, `${name}: stopping ${hook.name} failed`);
        }
      }
      await shutdownTelemetry();
      logger.info(`${name} stopped`);
      return exit(logger, failed && code === 0 ? 1 : code);
    })();
    return stopping;
  };

  // Handlers first: a signal arriving before they exist would kill the process without running any hook.
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, `${name}: uncaught exception`);
    void stop('uncaughtException', 1);
  });
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, `${name}: unhandled promise rejection`);
    void stop('unhandledRejection', 1);
  });

  // Deferred one microtask so a synchronous throw in main takes the same path as a rejection.
  started = Promise.resolve().then(() => main(lifecycle));
  started.then(
    () => logger.info(`${name} started`),
    (error: unknown) => {
      logStartupFailure(logger, name, error);
      void stop('start-up failed', 1);
    },
  );
}

function logStartupFailure(logger: Logger, name: string, error: unknown): void {
  if (error instanceof ConfigError || (error instanceof Error && error.name === 'ConfigError')) {
    logger.fatal({ problems: (error as ConfigError).problems }, `${name} cannot start: ${error.message}`);
    // In a terminal the JSON line is hard to read; there the problems are printed as they are.
    if (process.stderr.isTTY) process.stderr.write(`${name} cannot start: ${error.message}\n`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  logger.fatal({ err: error }, `${name} cannot start: ${message}`);
  if (process.stderr.isTTY) process.stderr.write(`${name} cannot start: ${message}\n`);
}

function exit(logger: Logger, code: number): never {
  logger.flush();
  process.exit(code);
}
