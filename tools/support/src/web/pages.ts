import { consumerNames } from '@autoverify/contracts';
import type { DeadLetterView } from '../console/dead-letters.ts';
import { type Html, html } from './html.ts';
import { csrfField, reasonField, when } from './layout.ts';
import type { ApplicationHit, AuditFilter, AuditRow, TenantHealth, TenantSummary } from './queries.ts';
import type { Session } from './session.ts';

export const signInPage = (error?: string, next = '/'): Html => html`
${error ? html`<p class="problem" role="alert">${error}</p>` : ''}
<form method="post" action="/sign-in">
<input type="hidden" name="next" value="${next}">
<label for="token">Support token</label>
<input type="password" id="token" name="token" required autocomplete="current-password">
<p class="muted">The token you use with the support CLI. It is checked once and not kept; the session ends after
30 minutes without use, or 8 hours.</p>
<button type="submit">Sign in</button></form>`;

export const searchPage = (
  session: Session,
  results?: { label: string; hits: ApplicationHit[] },
  error?: string,
): Html => html`
<form method="get" action="/applications" role="search">
<label for="q">Our application id, Entrata application id (optionally <code>entrata:&lt;tenant&gt;:&lt;id&gt;</code>) or property id</label>
<input type="search" id="q" name="q" required maxlength="300">
<label for="kind">It is</label>
<select id="kind" name="kind"><option value="application">an application id</option><option value="property">a property id</option></select>
<button type="submit">Find</button></form>
<form method="post" action="/applications/by-contact">${csrfField(session)}
<label for="contact">An applicant's email address or mobile phone number</label>
<input type="text" id="contact" name="contact" required maxlength="254" autocomplete="off">
<p class="muted">Sent by POST and compared as a keyed hash, so it appears in no URL, log or query.</p>
<button type="submit">Find by contact</button></form>
${error ? html`<p class="problem" role="alert">${error}</p>` : ''}
${results ? resultsTable(results.label, results.hits) : ''}`;

function resultsTable(label: string, hits: ApplicationHit[]): Html {
  if (hits.length === 0) return html`<h2>Results</h2><p role="status">No application found for ${label}.</p>`;
  return html`<h2>Results for ${label}</h2><table><thead><tr><th scope="col">Application</th><th scope="col">Tenant</th>
<th scope="col">Entrata id</th><th scope="col">Property</th><th scope="col">Events</th><th scope="col">Failures</th>
<th scope="col">Last event</th></tr></thead><tbody>${hits.map(
    (
      h,
    ) => html`<tr${h.failures > 0 ? html` class="failed"` : ''}><td><a href="/applications/${h.applicationId}"><code>${h.applicationId}</code></a></td>
<td>${h.tenantId}</td><td>${h.entrataApplicationId ?? '—'}</td><td>${h.propertyId ?? '—'}</td><td>${h.events}</td>
<td>${h.failures}</td><td>${when(h.lastEventAt)}</td></tr>`,
  )}</tbody></table>`;
}

export const tenantsPage = (list: TenantSummary[]): Html => html`
<table><thead><tr><th scope="col">Tenant</th><th scope="col">Events seen</th><th scope="col">Last event</th></tr></thead><tbody>
${list.map((t) => html`<tr><td><a href="/tenants/${t.tenantId}">${t.tenantId}</a></td><td>${t.events}</td><td>${when(t.lastEventAt)}</td></tr>`)}
</tbody></table>`;

export const healthPage = (tenantId: string, h: TenantHealth, now: Date): Html => html`
<p class="muted">As of ${when(now)}, from the events support's own database holds for <strong>${tenantId}</strong>.</p>
<table><tbody>
<tr><th scope="row">Webhooks received, last hour</th><td>${h.webhooksLastHour}</td></tr>
<tr><th scope="row">Webhooks received, last 24 hours</th><td>${h.webhooksLastDay}</td></tr>
<tr><th scope="row">Last successful Entrata read</th><td>${when(h.lastEntrataRead)}</td></tr>
<tr><th scope="row">Last report uploaded to Entrata</th><td>${when(h.lastEntrataWrite)}</td></tr>
</tbody></table>
<h2>Failures by reason, last 24 hours</h2>
${
  h.failures.length === 0
    ? html`<p>None.</p>`
    : html`<table><thead><tr><th scope="col">Event</th><th scope="col">Reason</th><th scope="col">Count</th><th scope="col">Last</th></tr></thead><tbody>
${h.failures.map((f) => html`<tr class="failed"><td>${f.type}</td><td>${f.reason ?? '(free text; see the applications)'}</td><td>${f.count}</td><td>${when(f.last)}</td></tr>`)}
</tbody></table>`
}
<h2>What this page cannot know</h2>
<ul>
<li>"Webhooks received" counts webhooks ingest turned into an application event (read or failed to read). Webhooks
refused before that (bad signature or credentials, unknown tenant, malformed body) or merged as duplicates are not
events, so they are not counted: see ingest's logs and metrics for those.</li>
<li>"Last successful Entrata read" is the last application read that produced ApplicationSubmitted; reconciliation
polls that found nothing new leave no event.</li>
<li>Whether Entrata or the verification platform is up right now: this page shows only what already happened.</li>
</ul>`;

export const auditPage = (entries: AuditRow[], filter: AuditFilter): Html => html`
<form method="get" action="/audit">
<label for="actor">Who (token name)</label><input type="text" id="actor" name="actor" value="${filter.actor ?? ''}">
<label for="action">Action starts with</label><input type="text" id="action" name="action" value="${filter.action ?? ''}">
<label for="target">Target contains</label><input type="text" id="target" name="target" value="${filter.target ?? ''}">
<button type="submit">Filter</button></form>
<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th>
<th scope="col">Reason</th><th scope="col">Detail</th></tr></thead><tbody>
${entries.map(
  (
    e,
  ) => html`<tr><td>${when(e.createdAt)}</td><td>${e.actor}</td><td>${e.action}</td><td><code>${e.target}</code></td>
<td>${e.reason ?? '—'}</td><td><code>${e.detail ? JSON.stringify(e.detail) : ''}</code></td></tr>`,
)}</tbody></table>`;

/** A letter that failed again after a redrive names the letter it was redriven from. */
const redrivenFrom = (d: DeadLetterView): Html | string =>
  d.redrivenFrom
    ? html`<br><span class="badge warn">failed again after a redrive of
<a href="/dead-letters/${d.consumer}/${d.redrivenFrom.partition}/${d.redrivenFrom.offset}">${d.redrivenFrom.partition}/${d.redrivenFrom.offset}</a></span>`
    : '';

export const deadLettersPage = (consumer: string | undefined, letters: DeadLetterView[]): Html => html`
<form method="get" action="/dead-letters">
<label for="consumer">Consumer</label>
<select id="consumer" name="consumer">${consumerNames.map(
  (c) => html`<option value="${c}"${c === consumer ? html` selected` : ''}>${c}</option>`,
)}</select><button type="submit">Show</button></form>
${
  consumer === undefined
    ? ''
    : letters.length === 0
      ? html`<p role="status">No dead letters for ${consumer}.</p>`
      : html`<table><thead><tr><th scope="col">Where</th><th scope="col">Event</th><th scope="col">Error</th>
<th scope="col">Failed at</th><th scope="col">Redriven</th></tr></thead><tbody>${letters.map(
          (
            d,
          ) => html`<tr><td><a href="/dead-letters/${consumer}/${d.partition}/${d.offset}">${d.partition}/${d.offset}</a></td>
<td>${d.eventType ?? '?'} <code>${d.eventId ?? ''}</code></td><td>${d.error}${redrivenFrom(d)}</td><td>${when(d.failedAt)}</td>
<td>${d.redrives.length === 0 ? 'no' : d.redrives.map((r) => html`#${r.number} by ${r.requestedBy} ${when(r.createdAt)}<br>`)}</td></tr>`,
        )}</tbody></table>`
}`;

export const deadLetterPage = (d: DeadLetterView, session: Session): Html => html`
<table><tbody>
<tr><th scope="row">Consumer</th><td>${d.consumer}</td></tr>
<tr><th scope="row">Event</th><td>${d.eventType ?? '?'} <code>${d.eventId ?? ''}</code></td></tr>
<tr><th scope="row">Error</th><td>${d.error}${redrivenFrom(d)}</td></tr>
<tr><th scope="row">Attempts</th><td>${d.attempts ?? '?'}</td></tr>
<tr><th scope="row">Failed at</th><td>${when(d.failedAt)}</td></tr>
<tr><th scope="row">Original</th><td><code>${d.original.topic}</code> ${d.original.partition ?? '?'}/${d.original.offset ?? '?'}</td></tr>
</tbody></table>
<h2>Message (personal data masked)</h2><pre><code>${JSON.stringify(d.value, null, 2)}</code></pre>
<h2>Redrive</h2>
<p>Sends the original message back to <code>${d.original.topic}</code> for <strong>${d.consumer}</strong> only; other
consumers ignore it. ${d.redrives.length > 0 ? html`<strong>Already redriven ${d.redrives.length} time(s)</strong>: ${d.redrives.map((r) => html`#${r.number} by ${r.requestedBy} (${r.reason}) `)}` : ''}</p>
<form method="post" action="/dead-letters/${d.consumer}/${d.partition}/${d.offset}/redrive">${csrfField(session)}
${reasonField()}
${d.redrives.length > 0 ? html`<label><input type="checkbox" name="force" value="true"> Redrive again anyway</label>` : ''}
<button type="submit" class="danger">Redrive this dead letter</button></form>`;

/** After an action: what happened, the answer, and the way back. */
export const resultPage = (
  summary: string,
  detail: unknown,
  back: { href: string; label: string },
): Html => html`
<p role="status" class="notice">${summary}</p>
${detail === undefined ? '' : html`<pre><code>${JSON.stringify(detail, null, 2)}</code></pre>`}
<p><a href="${back.href}">${back.label}</a></p>`;
