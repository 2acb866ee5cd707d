import type { ReplayOutcome } from '../console/replay.ts';
import { type Html, html } from './html.ts';
import { csrfField, reasonField, when } from './layout.ts';
import type { Session } from './session.ts';

/** The dry run's answer, and the form that runs the same replay for real. */
export function replayPreview(applicationId: string, dry: ReplayOutcome, session: Session): Html {
  const target = dry.target ?? '';
  return html`
<p class="notice" role="status">Dry run <code>${dry.id}</code>: nothing was sent. This is what the replay would send
${target ? html`to <strong>${target}</strong> only (other consumers ignore it)` : html`to <strong>every consumer</strong>`}.</p>
<table><caption>${dry.eventCount} event(s), in this order</caption><thead><tr><th scope="col">When</th><th scope="col">Event</th>
<th scope="col">Topic</th><th scope="col">Event id</th></tr></thead><tbody>
${dry.events.map((e) => html`<tr><td>${when(e.occurredAt)}</td><td>${e.type}</td><td>${e.topic}</td><td><code>${e.eventId}</code></td></tr>`)}
</tbody></table>
<h2>What consumers will skip</h2>
<p>Every event keeps its original id: a consumer that already processed one has its id in its inbox and skips it
(an applicant who already got an invite does not get a second one). Each consumer's inbox, read just now:</p>
<table><caption>Per consumer</caption><thead><tr><th scope="col">Consumer</th><th scope="col">Will skip</th>
<th scope="col">Will process</th></tr></thead><tbody>
${(dry.skips ?? []).map(
  (s) =>
    html`<tr><td>${s.consumer}</td>${
      s.error
        ? html`<td colspan="2">unknown (service did not answer: ${s.error})</td>`
        : html`<td>${s.willSkip}</td><td>${
            s.willProcess.length === 0
              ? 'nothing'
              : s.willProcess.map((id) => html`<code>${id}</code> ${eventType(dry, id)}<br>`)
          }</td>`
    }</tr>`,
)}
</tbody></table>
<form method="post" action="/applications/${applicationId}/replay">${csrfField(session)}
<input type="hidden" name="target" value="${target}">
${reasonField('reason', dry.reason)}
<button type="submit" class="danger">Replay ${dry.eventCount} event(s) now</button></form>
<p><a href="/applications/${applicationId}">Cancel</a></p>`;
}

const eventType = (dry: ReplayOutcome, eventId: string) =>
  dry.events.find((e) => e.eventId === eventId)?.type ?? '';

export interface ResendPreview {
  applicationId: string;
  applicantId: string;
  kind: 'income' | 'identity';
  name: string;
  channels: { channel: 'email' | 'sms'; to: string | null }[];
  earlier: number;
}

export function resendPreview(p: ResendPreview, idempotencyKey: string, session: Session): Html {
  return html`
<p>A new <strong>${p.kind}</strong> invite to <strong>${p.name}</strong> (<code>${p.applicantId}</code>). This
applicant has had ${p.earlier} invite(s) for this application so far: this is a deliberate extra one.</p>
<form method="post" action="/applications/${p.applicationId}/resend">${csrfField(session)}
<input type="hidden" name="applicantId" value="${p.applicantId}">
<input type="hidden" name="kind" value="${p.kind}">
<input type="hidden" name="idempotencyKey" value="${idempotencyKey}">
<fieldset><legend>Channels</legend>
${p.channels.map(
  (
    c,
  ) => html`<label><input type="checkbox" name="channels" value="${c.channel}" ${c.to ? 'checked' : 'disabled'}>
  ${c.channel} ${c.to ? html`to ${c.to}` : '(no contact in Entrata)'}</label>`,
)}</fieldset>
${reasonField()}
<button type="submit" class="danger">Send the invite</button></form>
<p class="muted">Sending twice (a double click, a retried request) sends once: the form carries one idempotency key.</p>
<p><a href="/applications/${p.applicationId}">Cancel</a></p>`;
}

export function reportPreview(
  applicationId: string,
  reportId: string,
  action: 'retry' | 'reupload',
  session: Session,
): Html {
  return html`
<p>${
    action === 'retry'
      ? html`Report-sync tries the upload of report <code>${reportId}</code> to Entrata again.`
      : html`Report-sync uploads report <code>${reportId}</code> to Entrata <strong>again, as a second document</strong>:
use this only when the first document was deleted in Entrata.`
  }</p>
<form method="post" action="/applications/${applicationId}/reports/${reportId}/${action}">${csrfField(session)}
${reasonField()}
<button type="submit" class="danger">${action === 'retry' ? 'Retry the upload' : 'Upload again'}</button></form>
<p><a href="/applications/${applicationId}">Cancel</a></p>`;
}
