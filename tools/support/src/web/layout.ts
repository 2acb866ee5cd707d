import { type Html, html } from './html.ts';
import type { Session } from './session.ts';

/** One stylesheet, served by us: the Content-Security-Policy allows no inline style or any script. */
export const stylesheet = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #4a4a4a; --bg: #fff; --line: #c8c8c8;
  --accent: #0b4f9c; --bad: #a4000f; --badbg: #fdecee; --ok: #176b2c; --warn: #7a4b00; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header { background: #10243e; color: #fff; padding: .5rem 1rem; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; }
header nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; flex-wrap: wrap; }
header .who { margin-left: auto; }
main { padding: 1rem 1.5rem 3rem; max-width: 90rem; }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f5a623; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
.failed { background: var(--badbg); }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .3rem; font-size: .85rem; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.failed { color: var(--bad); } .badge.warn { color: var(--warn); }
.problem { border-left: 4px solid var(--bad); background: var(--badbg); padding: .5rem 1rem; margin: .5rem 0; }
.notice { border-left: 4px solid var(--accent); background: #eaf2fb; padding: .5rem 1rem; margin: .5rem 0; }
.groups { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.group { border: 1px solid var(--line); padding: .5rem 1rem; border-radius: .3rem; }
.group ol { padding-left: 1.2rem; }
form.inline { display: inline; }
label { display: block; font-weight: 600; margin-top: .5rem; }
input[type=text], input[type=password], input[type=search], select, textarea { font: inherit; padding: .3rem; min-width: 20rem; max-width: 100%; }
button { font: inherit; padding: .3rem .9rem; margin-top: .5rem; cursor: pointer; background: var(--accent); color: #fff; border: 0; border-radius: .25rem; }
button.danger { background: var(--bad); }
code, .mono { font-family: ui-monospace, monospace; font-size: .9rem; word-break: break-all; }
.muted { color: var(--muted); }
`;

export const NAV: { href: string; label: string }[] = [
  { href: '/', label: 'Find an application' },
  { href: '/tenants', label: 'Tenant health' },
  { href: '/dead-letters', label: 'Dead letters' },
  { href: '/audit', label: 'Audit log' },
];

/** A whole page; `session` undefined on the sign-in page. */
export function page(title: string, session: Session | undefined, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · autoverify support</title>
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<header>
  <strong>autoverify support</strong>
  ${
    session
      ? html`<nav aria-label="Main"><ul>${NAV.map((n) => html`<li><a href="${n.href}">${n.label}</a></li>`)}</ul></nav>
  <span class="who">Signed in as <strong>${session.caller.name}</strong>
    (${[...session.caller.scopes].join(', ')})
    <form class="inline" method="post" action="/sign-out">${csrfField(session)}<button type="submit">Sign out</button></form></span>`
      : ''
  }
</header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

export const csrfField = (session: Session): Html =>
  html`<input type="hidden" name="_csrf" value="${session.csrf}">`;

/** The reason field every audited action asks for; `id` tells apart two forms on one page. */
export const reasonField = (id = 'reason', value = ''): Html =>
  html`<label for="${id}">Reason (ticket or incident; recorded in the audit log)</label>
<input type="text" id="${id}" name="reason" required minlength="3" maxlength="1000" value="${value}">`;

export const badge = (outcome: string): Html =>
  html`<span class="badge ${outcome === 'failed' ? 'failed' : outcome === 'ok' ? 'ok' : 'warn'}">${outcome}</span>`;

/** 2026-11-24 15:04:05 UTC: one format everywhere, in UTC so people in different places agree. */
export const when = (iso: string | Date | null | undefined): string =>
  iso
    ? new Date(iso)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : '—';

export const problemBox = (title: string, detail: Html | string): Html =>
  html`<div class="problem" role="alert"><strong>${title}</strong><p>${detail}</p></div>`;
