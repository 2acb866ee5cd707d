import { escapeHtml } from './escape-html.ts';

export type UnsubscribePageState = 'confirm' | 'done' | 'invalid';

/** The small pages behind an unsubscribe link; the form posts back to the same URL. */
export function unsubscribePage(input: {
  state: UnsubscribePageState;
  senderName?: string | undefined;
}): string {
  const from = input.senderName ? ` from ${escapeHtml(input.senderName)}` : '';
  const content =
    input.state === 'confirm'
      ? `<h1>Unsubscribe</h1>
<p>Stop receiving reminder emails${from} about your rental application?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`
      : input.state === 'done'
        ? `<h1>You are unsubscribed</h1>
<p>You will receive no more reminder emails${from} at this address.</p>`
        : `<h1>This link is not valid</h1>
<p>The unsubscribe link is incomplete or has been altered. Please use the link exactly as it appears in the email.</p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Unsubscribe</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#1f2933;">
${content}
</body>
</html>
`;
}
