import { emailMessageId } from './message-id.ts';
import { renderEmail } from './templates/email.ts';
import { renderSms } from './templates/sms.ts';
import type { Channel, Purpose, SenderSettings, VerificationKind } from './types.ts';
import { signUnsubscribeToken } from './unsubscribe-token.ts';

/** What a message needs from a stored notification. */
export interface NotificationContent {
  notificationId: string;
  tenantId: string;
  purpose: Purpose;
  kind: VerificationKind;
  channel: Channel;
  recipient: string;
  recipientName: string;
  link: string;
  expiresAt: string;
  reminderNumber: number | null;
}

/** What a message needs from the property's resolved settings. */
export interface PropertyBranding {
  name?: string | undefined;
  timeZone: string;
  sender: SenderSettings;
}

export interface ComposeOptions {
  /** Public base URL of this service, for unsubscribe links. */
  publicUrl: string;
  unsubscribeSecret: string;
}

export type ComposedMessage =
  | {
      channel: 'email';
      email: {
        from: { name: string; address: string };
        to: string;
        replyTo?: string | undefined;
        subject: string;
        text: string;
        html: string;
        headers: Record<string, string>;
        messageId: string;
      };
    }
  | { channel: 'sms'; sms: { to: string; from: string; body: string; segments: number } };

/** The exact message for a notification, branded for its customer and property. */
export function composeMessage(
  n: NotificationContent,
  property: PropertyBranding,
  options: ComposeOptions,
): ComposedMessage {
  const context = {
    purpose: n.purpose,
    kind: n.kind,
    recipientName: n.recipientName,
    link: n.link,
    expiresAt: n.expiresAt,
    reminderNumber: n.reminderNumber ?? undefined,
    brandName: property.sender.brandName,
    // A property without a name in the settings is presented under the customer's brand.
    propertyName: property.name ?? property.sender.brandName,
    timeZone: property.timeZone,
  };
  if (n.channel === 'sms') {
    const { body, segments } = renderSms(context);
    return { channel: 'sms', sms: { to: n.recipient, from: property.sender.smsFrom, body, segments } };
  }
  const unsubscribeUrl = unsubscribeUrlFor(options, n.notificationId);
  const rendered = renderEmail({ ...context, unsubscribeUrl });
  return {
    channel: 'email',
    email: {
      from: { name: property.sender.emailFromName, address: property.sender.emailFrom },
      to: n.recipient,
      replyTo: property.sender.replyTo,
      ...rendered,
      messageId: emailMessageId(n.notificationId),
    },
  };
}

/** The link of a notification's email: it names the notification (the address is looked up when used). */
export function unsubscribeUrlFor(options: ComposeOptions, notificationId: string): string {
  const token = signUnsubscribeToken(options.unsubscribeSecret, notificationId);
  return `${options.publicUrl.replace(/\/+$/, '')}/unsubscribe/${token}`;
}
