// Kafka plumbing logs through this; the stack prints its own progress lines.
export const silentLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
} as never;
