import { createHash } from 'node:crypto';

/**
 * The email Message-ID is derived from the notification id, so a re-send after a crash carries the same id
 * and receiving systems that de-duplicate on Message-ID show the message once.
 */
export function emailMessageId(notificationId: string): string {
  const hash = createHash('sha256').update(notificationId).digest('hex').slice(0, 32);
  return `<${hash}@autoverify>`;
}
