import type { EventKeyring } from '@autoverify/config';
import { ENCRYPTION_HEADER, EventSealError, openEvent, sealEvent } from './event-crypto.ts';
import type { Headers } from './headers.ts';
import type { IncomingMessage, KafkaClient, OutgoingRecord, StoredMessage } from './kafka.ts';

/**
 * A KafkaClient that seals what it publishes and opens what it reads (createKafka with a keyring), so the
 * relay, the consumer, replay and every tool get it without code of their own. Readers see the plain
 * envelope and the headers without `encryption-key`; `sealed` keeps the bytes as received (dead letters
 * keep them unchanged). A message that does not open arrives with `refused` set and its bytes untouched:
 * the consumer dead-letters it without running a handler.
 */
export function withEventEncryption(client: KafkaClient, keyring: EventKeyring): KafkaClient {
  const seal = (record: OutgoingRecord): OutgoingRecord => {
    // Already sealed (a dead letter's original bytes), or a refused message kept as it came.
    if (record.unsealed || record.headers?.[ENCRYPTION_HEADER] !== undefined || record.value === null)
      return record;
    const plain = typeof record.value === 'string' ? Buffer.from(record.value, 'utf8') : record.value;
    const { value, keyRef } = sealEvent(keyring, plain);
    return { ...record, value, headers: { ...record.headers, [ENCRYPTION_HEADER]: keyRef } };
  };

  const open = <M extends StoredMessage>(message: M): M => {
    const keyRef = message.headers[ENCRYPTION_HEADER];
    if (keyRef === undefined) {
      if (keyring.acceptUnencrypted || message.value === null) return message;
      return { ...message, refused: 'refused: the message is not sealed (events must be encrypted)' };
    }
    const { [ENCRYPTION_HEADER]: _, ...headers } = message.headers;
    try {
      const value = openEvent(keyring, message.value ?? Buffer.alloc(0), keyRef);
      return { ...message, value, headers, sealed: { value: message.value, headers: message.headers } };
    } catch (error) {
      if (!(error instanceof EventSealError)) throw error;
      return { ...message, refused: `refused: ${error.message}` };
    }
  };

  return {
    ...client,
    publishRaw: (records) => client.publishRaw(records.map(seal)),
    consume: ({ onMessage, onBatch, ...settings }) =>
      client.consume(
        onBatch
          ? { ...settings, onBatch: (messages, control) => onBatch(messages.map(open), control) }
          : { ...settings, onMessage: (message: IncomingMessage) => onMessage(open(message)) },
      ),
    readTopic: async (topic, options) => (await client.readTopic(topic, options)).map(open),
  };
}

/** The bytes and headers to dead-letter: as received (sealed or refused), never re-sealed. */
export function asReceived(message: StoredMessage): {
  value: Buffer | null;
  headers: Headers;
  unsealed: true;
} {
  return { ...(message.sealed ?? { value: message.value, headers: message.headers }), unsealed: true };
}
