import type { IHeaders, KafkaMessage, LogEntry } from 'kafkajs';
import { logLevel } from 'kafkajs';
import type { Headers } from './headers.ts';
import type { StoredMessage } from './kafka.ts';
import type { Logger } from './logger.ts';

/** kafkajs headers may be Buffers, strings or arrays of them; ours are one string each (the last wins). */
export function normalizeHeaders(headers: IHeaders | undefined): Headers {
  const result: Headers = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    result[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return result;
}

/** A kafkajs message in our terms: key and headers as strings. */
export function storedMessage(topic: string, partition: number, message: KafkaMessage): StoredMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: normalizeHeaders(message.headers),
    timestamp: message.timestamp,
  };
}

/** kafkajs' own log lines, through our logger. */
export function logKafkajs(logger: Logger, { level, log }: LogEntry): void {
  const { message, timestamp: _t, logger: _l, ...fields } = log;
  const line = { ...fields, kafkajs: true };
  if (level === logLevel.ERROR) logger.error(line, message);
  else if (level === logLevel.WARN) logger.warn(line, message);
  else if (level === logLevel.INFO) logger.info(line, message);
  else logger.debug(line, message);
}
