import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { FaultInjector } from '../faults/faults.ts';
import type { Logger } from '../shared/logger.ts';

/** A received email, as a mailbox viewer would show it. */
export interface StoredEmail {
  id: string;
  messageId?: string;
  /** Envelope recipients (RCPT TO), lower-cased: who actually receives it, Bcc included. */
  recipients: string[];
  envelopeFrom?: string;
  from?: string;
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  /** `List-Unsubscribe` and `List-Unsubscribe-Post`, where present. */
  listUnsubscribe?: string;
  listUnsubscribePost?: string;
  headers: Record<string, string>;
  receivedAt: string;
}

export class EmailStore {
  readonly messages: StoredEmail[] = [];

  forRecipient(address: string): StoredEmail[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((m) => m.recipients.includes(wanted));
  }

  reset(): void {
    this.messages.length = 0;
  }
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((a) => a.value.map((v) => v.address ?? ''))
    .filter(Boolean);

const headerText = (value: unknown): string =>
  typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);

class SmtpRefusal extends Error {
  readonly responseCode: number;
  constructor(responseCode: number, message: string) {
    super(message);
    this.responseCode = responseCode;
  }
}

/**
 * An SMTP server that accepts everything (any or no auth, no STARTTLS) and keeps what it receives.
 * Injected faults refuse recipients with 451 (try again later) or 550 (mailbox unavailable).
 */
export async function startSmtpServer(options: {
  port: number;
  host: string;
  store: EmailStore;
  faults: FaultInjector;
  log: Logger;
}): Promise<{ port: number; close(): Promise<void> }> {
  const { store, faults, log } = options;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 30 * 1024 * 1024,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sandbox' });
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const fault = faults.take(
        'email',
        ['delay', 'smtp_temporary', 'smtp_permanent'],
        address.address.toLowerCase(),
      );
      if (fault?.kind === 'smtp_temporary') {
        return callback(new SmtpRefusal(451, fault.message ?? '4.3.0 Temporary failure, try again later'));
      }
      if (fault?.kind === 'smtp_permanent') {
        return callback(new SmtpRefusal(550, fault.message ?? '5.1.1 Mailbox unavailable'));
      }
      if (fault?.kind === 'delay') {
        sleep(fault.delayMs ?? 30_000, undefined, { ref: false }).then(() => callback());
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const headers: Record<string, string> = {};
          for (const [key, value] of mail.headers) headers[key] = headerText(value);
          const listUnsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe');
          const listUnsubscribePost = mail.headerLines.find((h) => h.key === 'list-unsubscribe-post');
          const stripKey = (line: string) => line.replace(/^[^:]*:\s*/, '').replace(/\r?\n\s+/g, ' ');
          const message: StoredEmail = {
            id: randomUUID(),
            recipients: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            ...(session.envelope.mailFrom ? { envelopeFrom: session.envelope.mailFrom.address } : {}),
            ...(mail.messageId ? { messageId: mail.messageId } : {}),
            ...(mail.from ? { from: mail.from.text } : {}),
            to: addresses(mail.to),
            ...(mail.subject !== undefined ? { subject: mail.subject } : {}),
            ...(mail.text !== undefined ? { text: mail.text } : {}),
            ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
            ...(listUnsubscribe ? { listUnsubscribe: stripKey(listUnsubscribe.line) } : {}),
            ...(listUnsubscribePost ? { listUnsubscribePost: stripKey(listUnsubscribePost.line) } : {}),
            headers,
            receivedAt: new Date().toISOString(),
          };
          store.messages.push(message);
          log.info({ recipients: message.recipients.length, subject: message.subject }, 'email received');
          callback(null, `Message queued as ${message.id}`);
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  server.on('error', (error) => log.error({ err: error }, 'smtp server error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
