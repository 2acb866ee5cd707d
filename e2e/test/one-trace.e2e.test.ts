// One trace per application, as a platform team sees it in Tempo: every service exports its spans over
// OTLP/HTTP to the run's in-process receiver (src/otlp-receiver.ts), and the happy path, from Entrata's
// webhook through the invitations and the platform's completion webhooks to the report uploads into
// Entrata, is found as ONE trace.
import { ReportSynced } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { completeFromInbox, documentsWhen, e2e, eventually, invitesWhen, submit } from '../src/harness.ts';
import { expectedInvites } from '../src/messages.ts';
import { type ReceivedSpan, receivedSpans } from '../src/otlp-receiver.ts';
import { person } from '../src/people.ts';
import { PROPERTIES } from '../src/tenants.ts';

const SERVER = 2;
const UPLOAD = 'entrata leases/sendLeaseDocuments';
const SERVICES = ['ingest', 'invite', 'notify', 'reminder', 'report-sync'];
/** The support console reads every event for its timelines: its consumer spans join the trace too. */
const SUPPORT = 'support';

describe('tracing', () => {
  it("follows one application from Entrata's webhook to the last report upload as one trace", async () => {
    const t = e2e();
    const applicant = person({ role: 'Primary', firstName: 'Tracy' });
    const app = await submit(t, PROPERTIES.identity, [applicant]);
    await invitesWhen(t, applicant, expectedInvites(applicant, ['income', 'identity']));
    await completeFromInbox(t, applicant);
    // The household's income report and the applicant's identity report.
    await documentsWhen(t, app.entrata.applicationId, 2);
    await eventually(async () => (await t.events.of(ReportSynced, app.applicationId)).length === 2, {
      message: 'ReportSynced for both reports',
    });

    const tagged = () => receivedSpans(t.traces, { 'application.id': app.applicationId });
    // Spans arrive in batches (every 0.5 s per service): wait until the trace holds both uploads and every
    // span's parent, then judge it.
    const trace = await eventually(
      async () => {
        const traceIds = [...new Set((await tagged()).map((s) => s.traceId))];
        if (traceIds.length !== 1) return undefined;
        const spans = await receivedSpans(t.traces, { traceId: traceIds[0] as string });
        const ids = new Set(spans.map((s) => s.spanId));
        const complete =
          spans.filter((s) => s.name === UPLOAD).length >= 2 &&
          spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
        return complete ? spans : undefined;
      },
      { timeoutMs: 60_000, message: 'one trace with both report uploads and every parent span' },
    );

    // Every span that names the application is in that trace...
    const traceId = trace[0]?.traceId;
    expect(new Set((await tagged()).map((s) => s.traceId))).toEqual(new Set([traceId]));
    // ...which every service took part in, down to the uploads into Entrata (report-sync's, for the tenant).
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set([...SERVICES, SUPPORT]));
    const uploads = trace.filter((s) => s.name === UPLOAD);
    expect(uploads.map((s) => [s.service, s.attributes['tenant.id']])).toEqual([
      ['report-sync', t.tenantId],
      ['report-sync', t.tenantId],
    ]);
    for (const service of SERVICES)
      expect(
        trace.some((s) => s.service === service && s.attributes['application.id'] === app.applicationId),
        `a span of ${service} names the application`,
      ).toBe(true);

    // It starts where Entrata's webhook reached ingest, and the platform's webhooks joined it.
    const roots = trace.filter((s) => !s.parentSpanId);
    expect(roots.map(describeSpan)).toEqual(['ingest POST /webhooks/entrata/:tenantId']);
    expect(roots[0]?.kind).toBe(SERVER);
    const platformWebhooks = trace.filter((s) => s.name === 'verification-platform webhook');
    expect(platformWebhooks.length).toBeGreaterThan(0);
  });
});

const describeSpan = (span: ReceivedSpan) => `${span.service} ${span.name}`;
