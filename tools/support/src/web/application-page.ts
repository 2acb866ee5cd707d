import { consumerNames } from '@autoverify/contracts';
import type { TimelineEntry } from '../store.ts';
import { type ApplicantView, type ApplicationView, standing } from './application-view.ts';
import { type Html, html, safeHref } from './html.ts';
import { badge, csrfField, problemBox, reasonField, when } from './layout.ts';
import type { Session } from './session.ts';

export interface ApplicationPageOptions {
  masked: boolean;
  grafanaUrl: string | undefined;
}

/** Grafana Explore on the trace (a Tempo data source named "tempo"). */
export function traceLink(traceId: string | null, grafanaUrl: string | undefined): Html | string {
  if (!traceId) return '—';
  if (!grafanaUrl) return html`<code>${traceId}</code>`;
  const left = JSON.stringify({
    datasource: 'tempo',
    queries: [{ refId: 'A', queryType: 'traceql', query: traceId }],
    range: { from: 'now-30d', to: 'now' },
  });
  const href = safeHref(`${grafanaUrl.replace(/\/$/, '')}/explore?left=${encodeURIComponent(left)}`);
  return html`<a href="${href}" rel="noopener" target="_blank"><code>${traceId}</code><span class="muted"> (Grafana)</span></a>`;
}

function standingLine(events: TimelineEntry[]): Html | string {
  const facts = standing(events);
  return facts.length ? html`<p><strong>Where it stands:</strong> ${facts.join('; ')}</p>` : '';
}

const eventLine = (e: TimelineEntry): Html =>
  html`<li${e.outcome === 'failed' ? html` class="failed"` : ''}>${when(e.occurredAt)} <strong>${e.type}</strong>
    ${badge(e.outcome)} <span class="muted">${e.summary}</span>${e.replay ? html` <span class="badge warn">replayed by ${e.replay.requestedBy}</span>` : ''}</li>`;

// Names and contacts come from the timeline's payloads, which are masked unless unmasking was asked for.
function applicantGroup(view: ApplicationView, a: ApplicantView, session: Session): Html {
  const contact = [
    a.email ? `email ${a.email}` : 'no email',
    a.phone ? `phone ${a.phone}` : 'no mobile phone',
  ].join(', ');
  const canResend = session.caller.scopes.has('rerun');
  return html`<section class="group" aria-labelledby="ap-${a.applicantId}">
  <h3 id="ap-${a.applicantId}">${a.name || '(no name)'} <span class="muted">${a.role}</span></h3>
  <p class="muted">${contact}<br><code>${a.applicantId}</code></p>
  ${standingLine(a.events)}
  <ol>${a.events.map(eventLine)}</ol>
  ${
    canResend
      ? html`<p>${(['income', 'identity'] as const).map(
          (kind) =>
            html`<a href="/applications/${view.applicationId}/resend?applicantId=${a.applicantId}&amp;kind=${kind}">Re-send ${kind} invite…</a> `,
        )}</p>`
      : ''
  }
</section>`;
}

export function applicationPage(
  view: ApplicationView,
  session: Session,
  options: ApplicationPageOptions,
): Html {
  const scopes = session.caller.scopes;
  const { masked } = options;
  return html`
<p>Our id <code>${view.applicationId}</code> · Entrata application <code>${view.entrataApplicationId ?? '—'}</code>
 · tenant <a href="/tenants/${view.tenantId ?? ''}">${view.tenantId ?? '—'}</a> · property <code>${view.propertyId ?? '—'}</code></p>
${
  masked
    ? html`<p class="notice">Personal data is masked.${
        scopes.has('pii:read')
          ? html`</p><form method="post" action="/applications/${view.applicationId}/unmask">${csrfField(session)}
  ${reasonField('unmask-reason')}<button type="submit">Show personal data</button></form>`
          : html` Showing it needs the <code>pii:read</code> scope.</p>`
      }`
    : html`<p class="notice" role="status">Personal data shown unmasked; this view was recorded in the audit log. Do not copy it into tickets.</p>`
}
<h2>Problems</h2>
${
  view.problems.length === 0
    ? html`<p>No failures recorded for this application.</p>`
    : view.problems.map(({ entry, explanation }) =>
        problemBox(
          `${entry.type} at ${when(entry.occurredAt)}`,
          html`${explanation.what}<br><strong>What to do:</strong> ${explanation.todo}${
            entry.summary ? html`<br><span class="muted">${entry.summary}</span>` : ''
          }`,
        ),
      )
}
<h2>Applicants</h2>
<div class="groups">${view.applicants.map((a) => applicantGroup(view, a, session))}
<section class="group" aria-labelledby="ap-application"><h3 id="ap-application">The application</h3>
<ol>${view.general.map(eventLine)}</ol></section></div>
<h2>Reports</h2>
${
  view.reports.length === 0
    ? html`<p>No reports yet.</p>`
    : html`<table><thead><tr><th scope="col">Report</th><th scope="col">Type</th><th scope="col">Status</th>
<th scope="col">Entrata document</th><th scope="col">Last event</th><th scope="col">Action</th></tr></thead><tbody>
${view.reports.map(
  (
    r,
  ) => html`<tr${r.status === 'upload failed' ? html` class="failed"` : ''}><td><code>${r.reportId}</code></td>
<td>${r.reportType} ${r.scope}</td><td>${r.status}</td>
<td>${r.entrataFileId ? html`file <code>${r.entrataFileId}</code>${masked ? '' : html` ${r.fileName}`}` : '—'}</td>
<td>${when(r.lastEventAt)}</td>
<td>${
    scopes.has('rerun') && r.status !== 'waiting for upload'
      ? html`<a href="/applications/${view.applicationId}/reports/${r.reportId}/${r.status === 'in Entrata' ? 'reupload' : 'retry'}">${
          r.status === 'in Entrata' ? 'Re-upload…' : 'Retry upload…'
        }</a>`
      : '—'
  }</td></tr>`,
)}</tbody></table>`
}
<h2>Timeline</h2>
<table><caption class="muted">Every event of the application, oldest first.</caption>
<thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Service</th><th scope="col">Outcome</th>
<th scope="col">Details</th><th scope="col">Trace</th></tr></thead><tbody>
${view.timeline.map(
  (e) =>
    html`<tr${e.outcome === 'failed' ? html` class="failed"` : ''}><td>${when(e.occurredAt)}</td><td>${e.type}${
      e.replay ? html` <span class="badge warn">replay</span>` : ''
    }</td><td>${e.service}</td><td>${badge(e.outcome)}</td><td>${e.summary}</td><td>${traceLink(e.traceId, options.grafanaUrl)}</td></tr>`,
)}</tbody></table>
${
  scopes.has('replay')
    ? html`<h2>Replay</h2>
<p>Sends this application's events again. The first step is a dry run that shows what would be sent.</p>
<form method="post" action="/applications/${view.applicationId}/replay/preview">${csrfField(session)}
<label for="target">To which consumer</label>
<select id="target" name="target"><option value="">every consumer</option>${consumerNames.map(
        (c) => html`<option value="${c}">${c}</option>`,
      )}</select>
${reasonField('replay-reason')}<button type="submit">Dry run…</button></form>`
    : ''
}`;
}
