import type { Logger } from '@autoverify/logger';
import pg from 'pg';

export interface Listener {
  /** Ends the connection; no more calls after it resolves. */
  stop(): Promise<void>;
}

const RECONNECT_MAX_MS = 30_000;

/**
 * PostgreSQL LISTEN on one dedicated connection: calls onNotify with the payload for every NOTIFY on the
 * channel, and once without one after every (re)connect, because what was notified while the connection was
 * down is gone (the caller's slow safety poll covers the rest). A lost connection is re-opened with a capped backoff; it never throws
 * after start.
 */
export async function listen(options: {
  connectionString: string;
  channel: string;
  onNotify: (payload?: string) => void;
  logger: Logger;
}): Promise<Listener> {
  const { connectionString, channel, onNotify } = options;
  const logger = options.logger.child({ component: 'listen', channel });
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: `listen ${channel}` });
    // Without an 'error' listener a dropped connection would crash the process.
    next.on('error', (error) => logger.warn({ err: error }, 'LISTEN connection failed; reconnecting'));
    next.on('end', () => {
      if (client === next) client = undefined;
      if (!stopped) scheduleReconnect();
    });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload);
    });
    await next.connect();
    await next.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    if (stopped) {
      await next.end();
      return;
    }
    client = next;
    failures = 0;
    onNotify();
  };

  const scheduleReconnect = () => {
    if (retryTimer || stopped) return;
    const delay = Math.min(1000 * 2 ** failures++, RECONNECT_MAX_MS);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().catch((error) => {
        logger.warn({ err: error, retryInMs: delay }, 'LISTEN reconnect failed');
        scheduleReconnect();
      });
    }, delay);
  };

  try {
    await connect();
  } catch (error) {
    stopped = true;
    clearTimeout(retryTimer);
    throw error;
  }
  return {
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
    },
  };
}
