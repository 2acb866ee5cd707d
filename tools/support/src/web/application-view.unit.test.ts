import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../store.ts';
import { applicationPage } from './application-page.ts';
import { applicationView, standing } from './application-view.ts';
import { SessionStore } from './session.ts';

const APP = '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10';
const ADA = '8e0f3a5e-8d0b-5f5e-a7c4-5a6d7e8f9a01';
let n = 0;
const entry = (
  type: string,
  payload: Record<string, unknown>,
  outcome: 'ok' | 'failed' = 'ok',
): TimelineEntry => ({
  eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  occurredAt: new Date(Date.UTC(2026, 10, 24, 15, n)).toISOString(),
  service: 'x',
  type,
  version: 1,
  outcome,
  summary: '',
  traceId: null,
  tenantId: 'acme-homes',
  applicationId: APP,
  entrataApplicationId: '14423',
  topic: 't',
  partition: 0,
  offset: String(n),
  replay: null,
  payload,
});

const timeline = [
  entry('ApplicationSubmitted', {
    propertyId: '100200',
    applicants: [
      { applicantId: ADA, firstName: 'A***', lastName: 'L***', role: 'primary', email: 'a***@e***.com' },
    ],
  }),
  entry('InviteSent', { applicantId: ADA, kind: 'income', channels: ['email', 'sms'] }),
  entry('NotificationFailed', { applicantId: ADA, reason: 'opted_out', channel: 'sms' }, 'failed'),
  entry('ReportCompleted', {
    reportId: 'rep_9',
    reportType: 'income',
    scope: 'household',
    applicantIds: [ADA, 'other'],
  }),
  entry('ReportSyncFailed', { reportId: 'rep_9', reason: 'Entrata error 500' }, 'failed'),
  entry('ReportCompleted', {
    reportId: 'rep_<b>',
    reportType: 'identity',
    scope: 'applicant',
    applicantIds: [ADA],
  }),
  entry('ReportSynced', { reportId: 'rep_<b>', entrataFileId: '77001', fileName: 'identity.pdf' }),
];

describe('application view', () => {
  it('groups events by applicant, tracks reports and explains failures', () => {
    const view = applicationView(APP, timeline);
    expect(view.propertyId).toBe('100200');
    expect(view.applicants).toHaveLength(1);
    expect(view.applicants[0]?.events.map((e) => e.type)).toEqual([
      'InviteSent',
      'NotificationFailed',
      'ReportCompleted',
      'ReportSynced',
    ]);
    expect(view.general.map((e) => e.type)).toEqual([
      'ApplicationSubmitted',
      'ReportCompleted',
      'ReportSyncFailed',
    ]);
    expect(view.reports).toMatchObject([
      { reportId: 'rep_9', status: 'upload failed', reportType: 'income' },
      { reportId: 'rep_<b>', status: 'in Entrata', entrataFileId: '77001' },
    ]);
    expect(standing(view.applicants[0]?.events ?? [])).toEqual([
      'income invite sent on email, sms',
      'sms message opted out',
    ]);
    expect(view.problems.map((p) => p.explanation.what)).toEqual([
      expect.stringContaining('opted out'),
      expect.stringContaining('could not be uploaded'),
    ]);
  });

  it('renders escaped, with the actions the session’s scopes allow', () => {
    const session = new SessionStore().create({ name: 'alice', scopes: new Set(['timeline:read', 'rerun']) });
    const page = applicationPage(applicationView(APP, timeline), session, {
      masked: true,
      grafanaUrl: undefined,
    }).text;
    expect(page).toContain('rep_&lt;b&gt;');
    expect(page).not.toContain('rep_<b>');
    expect(page).toContain('Retry upload…');
    expect(page).toContain('Re-upload…');
    expect(page).toContain('Re-send income invite…');
    expect(page).not.toContain('Dry run…');
    expect(page).toContain('needs the <code>pii:read</code> scope');
    expect(page).toContain('What to do:');
  });
});
