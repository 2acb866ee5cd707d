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

/**
 * SMTP through nodemailer (works with SES, SendGrid, Postmark, Mailgun and the sandbox alike). Timeouts are
 * short so a stuck server costs one retry, not a stuck job.
 */
export function smtpEmailProvider(smtpUrl: string): EmailProvider {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
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
