/**
 * kafkajs 2.2.4 arms timers with negative delays; Node 24 clamps them to 1 ms (harmless) and prints a
 * TimeoutNegativeWarning for each, so every service's log filled with them. kafkajs is unmaintained, so this
 * drops exactly that warning in the processes that load it (kafka.ts imports this module first). Any other
 * warning is emitted as before.
 */
const emitWarning = process.emitWarning;

process.emitWarning = function emitWarningExceptNegativeTimeouts(
  this: NodeJS.Process,
  warning: string | Error,
  ...rest: unknown[]
) {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type;
  const name = warning instanceof Error ? warning.name : type;
  if (name === 'TimeoutNegativeWarning') return;
  return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
} as typeof process.emitWarning;
