import nodemailer from 'nodemailer';
import { classifySmtpError, ProviderError, type SmtpErrorInfo } from '../domain/send-failure.ts';

export interface OutgoingEmail {
  from: { name: string; address: string };
  to: string;
  replyTo?: string | undefined;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  messageId: string;
}

export interface EmailProvider {
  /** Resolves with the provider's id of the accepted message; throws ProviderError otherwise. */
  send(email: OutgoingEmail): Promise<string>;
  close(): void;
}

export interface SmtpOptions {
  /** Refuse to send over smtp:// without STARTTLS (default: `smtpRequiresTls(url)`). */
  requireTls?: boolean | undefined;
  /** Pooled connections, reused across messages (default 3). */
  maxConnections?: number;
}

/**
 * SMTP through nodemailer (works with SES, SendGrid, Postmark, Mailgun and the sandbox alike), over a small
 * pool of connections reused across messages (a connection and TLS handshake per message cost more than the
 * message). Timeouts are short so a stuck server costs one retry, not a stuck job.
 */
export function smtpEmailProvider(smtpUrl: string, options: SmtpOptions = {}): EmailProvider {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: options.maxConnections ?? 3,
    requireTLS: options.requireTls ?? smtpRequiresTls(smtpUrl),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(email) {
      try {
        const info = await transport.sendMail({
          from: email.from,
          to: email.to,
          replyTo: email.replyTo,
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: email.headers,
          messageId: email.messageId,
        });
        return String(info.messageId ?? email.messageId);
      } catch (error) {
        throw new ProviderError(classifySmtpError(error as SmtpErrorInfo), { cause: error });
      }
    },
    close: () => transport.close(),
  };
}

/**
 * Whether mail to this SMTP server must be encrypted when it is not smtps:// (implicit TLS): yes, unless the
 * server is on this machine (loopback: 127.0.0.0/8, ::1, localhost) or the local sandbox (host `sandbox`,
 * docker-compose), which offer no STARTTLS. Elsewhere a server that does not offer STARTTLS (or a
 * man-in-the-middle stripping it) makes the send fail instead of going out in clear text.
 */
export function smtpRequiresTls(smtpUrl: string): boolean {
  const url = new URL(smtpUrl);
  if (url.protocol === 'smtps:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const local = host === 'localhost' || host === '::1' || /^127\./.test(host) || host === 'sandbox';
  return !local;
}
