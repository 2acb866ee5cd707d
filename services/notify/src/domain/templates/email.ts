import { firstNameOf, type MessageContext, whatToVerify } from './context.ts';
import { escapeHtml } from './escape-html.ts';
import { formatExpiry } from './expiry.ts';

export interface EmailContext extends MessageContext {
  /** Required for reminders: every reminder email carries a working unsubscribe link. */
  unsubscribeUrl?: string | undefined;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export function renderEmail(ctx: EmailContext): RenderedEmail {
  if (ctx.purpose === 'reminder' && !ctx.unsubscribeUrl) {
    throw new Error('a reminder email needs an unsubscribe link');
  }
  const unsubscribeUrl = ctx.purpose === 'reminder' ? ctx.unsubscribeUrl : undefined;
  const what = whatToVerify(ctx.kind);
  const expiry = formatExpiry(ctx.expiresAt, ctx.timeZone, 'long');
  const first = firstNameOf(ctx.recipientName);
  const greeting = first ? `Hi ${first},` : 'Hello,';

  const subject =
    ctx.purpose === 'invite'
      ? `${ctx.propertyName}: please verify your ${what} for your rental application`
      : `Reminder: verify your ${what} for your application at ${ctx.propertyName}`;
  const intro =
    ctx.purpose === 'invite'
      ? `Thank you for applying at ${ctx.propertyName}. To continue with your application, please verify your ${what}. It takes a few minutes and is done securely online.`
      : `Your application at ${ctx.propertyName} is still waiting for your ${what} verification. It takes a few minutes and is done securely online.`;
  const button = `Verify my ${what}`;
  const expiryLine = `This link expires on ${expiry}.`;
  const ignoreLine = `If you did not apply at ${ctx.propertyName}, you can ignore this email.`;
  const unsubscribeLine = 'Do not want these reminders?';

  const text = [
    greeting,
    '',
    intro,
    '',
    `${button}: ${ctx.link}`,
    '',
    expiryLine,
    '',
    ignoreLine,
    '',
    ctx.brandName,
    ...(unsubscribeUrl ? ['', `${unsubscribeLine} Unsubscribe: ${unsubscribeUrl}`] : []),
    '',
  ].join('\n');

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f5f6f8;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px;">
<p style="margin:0 0 16px;font-size:16px;">${e(greeting)}</p>
<p style="margin:0 0 24px;font-size:16px;line-height:1.5;">${e(intro)}</p>
<p style="margin:0 0 24px;"><a href="${e(ctx.link)}" style="display:inline-block;background:#1a56db;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-size:16px;">${e(button)}</a></p>
<p style="margin:0 0 16px;font-size:14px;line-height:1.5;">If the button does not work, copy this link into your browser:<br><a href="${e(ctx.link)}" style="color:#1a56db;word-break:break-all;">${e(ctx.link)}</a></p>
<p style="margin:0 0 16px;font-size:14px;">${e(expiryLine)}</p>
<p style="margin:0 0 16px;font-size:13px;color:#52606d;">${e(ignoreLine)}</p>
<p style="margin:0;font-size:14px;">${e(ctx.brandName)}</p>
</div>${
    unsubscribeUrl
      ? `
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#52606d;text-align:center;">${e(unsubscribeLine)} <a href="${e(unsubscribeUrl)}" style="color:#52606d;">Unsubscribe</a></p>`
      : ''
  }
</body>
</html>
`;

  // RFC 2369 + RFC 8058: mail clients show their own unsubscribe button and POST to the URL in one click.
  const headers: Record<string, string> = unsubscribeUrl
    ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
    : {};
  return { subject, text, html, headers };
}
